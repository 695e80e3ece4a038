// Stream for the PortAudio build: one PortAudio stream (input, output or duplex, float32
// interleaved). Opening, starting, stopping and closing happen on control threads, under the
// PortAudio lock; the callback is devices/realtime/portaudio_callback.hpp.
#include <algorithm>
#include <chrono>
#include <thread>

#include "devices/device_errors.hpp"
#include "devices/jack_probe.hpp"
#include "devices/portaudio_library.hpp"
#include "devices/realtime/portaudio_callback.hpp"
#include "devices/stream.hpp"

namespace ringmix::devices {

namespace {

constexpr std::int64_t kMs = 1000000;

// The index of the device `ref` names now. A rescan (in this or another worker) can renumber the
// devices between the caller resolving a selector and this open: the index is trusted only if it
// still names the same device. With the PortAudio lock held.
int resolveIndex(const PortAudioApi& pa, const DeviceRef& ref) {
  const int count = pa.GetDeviceCount();
  auto matches = [&](int i) {
    const PaDeviceInfo* d = i >= 0 && i < count ? pa.GetDeviceInfo(i) : nullptr;
    if (!d) return false;
    if (ref.name.empty()) return true;  // a bare index
    const PaHostApiInfo* h = pa.GetHostApiInfo(d->hostApi);
    return ref.name == (d->name ? d->name : "") && (ref.hostApi.empty() || (h && h->name && ref.hostApi == h->name));
  };
  if (matches(ref.index)) return ref.index;
  if (!ref.name.empty())
    for (int i = 0; i < count; ++i)
      if (matches(i)) return i;
  throw DeviceNotFoundError(ref.name.empty() ? "no device with index " + std::to_string(ref.index)
                                             : "device '" + ref.name + "' (" + ref.hostApi +
                                                   ") is no longer available; list devices again with a rescan");
}

class PortAudioStream final : public Stream {
 public:
  PortAudioStream(const StreamConfig& c, StreamCallback callback, void* context) : label_(c.label) {
    auto lock = lockPortAudio();
    const PortAudioApi& pa = portAudio();
    const int index = resolveIndex(pa, c.device);
    const PaDeviceInfo* info = pa.GetDeviceInfo(index);
    const PaHostApiInfo* host = pa.GetHostApiInfo(info->hostApi);
    jack_ = host && host->type == paJACK;
    PaStreamParameters in{}, out{};
    in.device = out.device = index;
    in.sampleFormat = out.sampleFormat = paFloat32;
    in.channelCount = c.inputChannels;
    out.channelCount = c.outputChannels;
    in.suggestedLatency = info->defaultLowInputLatency;
    out.suggestedLatency = info->defaultLowOutputLatency;
    core_ = new StreamCore(callback, context, c.inputChannels, c.outputChannels);
    // paClipOff: the engine clips its float mix itself, and counts what it clipped.
    const PaError err = pa.OpenStream(&stream_, c.inputChannels > 0 ? &in : nullptr, c.outputChannels > 0 ? &out : nullptr,
                                      c.sampleRate, c.framesPerBuffer, paClipOff, &portAudioCallback, core_);
    if (err != paNoError) {
      delete core_;
      pa.check(err, label_ + ": cannot open '" + (info->name ? info->name : "") + "'");
    }
    ++openStreamCount();
    pa.SetStreamFinishedCallback(stream_, &portAudioFinished);
    if (const PaStreamInfo* si = pa.GetStreamInfo(stream_)) {
      inputLatency_ = si->inputLatency;
      outputLatency_ = si->outputLatency;
      sampleRate_ = si->sampleRate;
    }
    const double buffer = c.framesPerBuffer ? c.framesPerBuffer / c.sampleRate : 0.0;
    silentLimitNs_ = std::max<std::int64_t>(500 * kMs, static_cast<std::int64_t>(4e9 * std::max(buffer, inputLatency_ + outputLatency_)));
  }

  ~PortAudioStream() override {
    detach();
    auto lock = lockPortAudio();
    const PortAudioApi& pa = portAudio();
    // A stream whose server died cannot be stopped or closed (PortAudio would wait forever): it
    // stays open, counted, and its core stays allocated for any late callback.
    if (abandoned_ || dead()) return;
    if (core_->running.exchange(false)) pa.AbortStream(stream_);
    pa.CloseStream(stream_);
    --openStreamCount();
    delete core_;
  }

  void start() override {
    auto lock = lockPortAudio();
    const PortAudioApi& pa = portAudio();
    if (abandoned_ || core_->gate.closed())
      throw DeviceError(label_ + ": the device stopped and cannot be restarted; add it again");
    core_->running.store(true);
    startedNs_ = platform::nowNs();
    const PaError err = pa.StartStream(stream_);
    if (err != paNoError) {
      core_->running.store(false);
      pa.check(err, label_ + ": cannot start");
    }
  }

  void stop() noexcept override {
    if (!core_->running.exchange(false)) return;
    auto lock = lockPortAudio();
    if (dead()) {
      abandon();
      return;
    }
    portAudio().AbortStream(stream_);
  }

  void detach() noexcept override {
    core_->gate.close();
    // Only a callback running right now can be inside: a few microseconds to a buffer's work.
    while (!core_->gate.idle()) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }

  bool finished() const noexcept override { return abandoned_ || core_->finished.load(std::memory_order_acquire); }
  std::uint64_t callbacks() const noexcept override { return core_->callbacks.load(std::memory_order_relaxed); }
  int callbackPriority() const noexcept override { return core_->priority.load(std::memory_order_relaxed); }
  double inputLatency() const noexcept override { return inputLatency_; }
  double outputLatency() const noexcept override { return outputLatency_; }
  double sampleRate() const noexcept override { return sampleRate_; }

 private:
  // Whether stopping would hang: PortAudio said the stream died, or it is a JACK stream that has
  // been silent for a while and JACK confirms its server is gone. (A stream that is merely slow,
  // such as a 4096-frame period at 8 kHz or PulseAudio's start-up stall, is not dead, and is
  // stopped and closed normally.) With the PortAudio lock held.
  bool dead() const noexcept {
    if (core_->finished.load()) return true;
    if (!jack_) return false;
    const std::int64_t last = std::max(core_->lastCallbackNs.load(), startedNs_);
    return platform::nowNs() - last > silentLimitNs_ && jackServerGone();
  }

  void abandon() noexcept {
    detach();
    abandoned_ = true;
  }

  std::string label_;
  StreamCore* core_ = nullptr;
  PaStream* stream_ = nullptr;
  bool jack_ = false;
  bool abandoned_ = false;
  std::int64_t startedNs_ = 0;
  std::int64_t silentLimitNs_ = 0;
  double inputLatency_ = 0, outputLatency_ = 0, sampleRate_ = 0;
};

}  // namespace

std::unique_ptr<Stream> openStream(const StreamConfig& config, StreamCallback callback, void* context) {
  return std::make_unique<PortAudioStream>(config, callback, context);
}

}  // namespace ringmix::devices
