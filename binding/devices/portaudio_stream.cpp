#include "portaudio_stream.hpp"

#if RINGMIX_HAVE_PORTAUDIO

namespace ringmix::devices {

std::atomic<int> PortAudioStream::openCount_{0};

PortAudioStream::PortAudioStream(const Config& c, PaStreamCallback* callback, void* user)
    : callback_(callback), user_(user), label_(c.label) {
  const PortAudioApi& pa = portAudio();
  auto lock = lockPortAudio();
  const PaDeviceInfo* info = pa.GetDeviceInfo(c.device);
  if (info == nullptr) throw DeviceError(label_ + ": no device with index " + std::to_string(c.device));
  PaStreamParameters in{}, out{};
  in.device = out.device = c.device;
  in.sampleFormat = out.sampleFormat = paFloat32;
  in.channelCount = c.inputChannels;
  out.channelCount = c.outputChannels;
  in.suggestedLatency = info->defaultLowInputLatency;
  out.suggestedLatency = info->defaultLowOutputLatency;
  pa.check(pa.OpenStream(&stream_, c.inputChannels > 0 ? &in : nullptr,
                         c.outputChannels > 0 ? &out : nullptr, c.sampleRate, c.framesPerBuffer,
                         paClipOff, &PortAudioStream::onProcess, this),
           label_ + ": cannot open '" + info->name + "'");
  openCount_.fetch_add(1, std::memory_order_acq_rel);
  pa.SetStreamFinishedCallback(stream_, &PortAudioStream::onFinished);
  if (const PaStreamInfo* si = pa.GetStreamInfo(stream_)) {
    inputLatency_ = si->inputLatency;
    outputLatency_ = si->outputLatency;
    sampleRate_ = si->sampleRate;
  }
}

int PortAudioStream::onProcess(const void* in, void* out, unsigned long frames,
                               const PaStreamCallbackTimeInfo* time, PaStreamCallbackFlags flags,
                               void* self) {
  auto* s = static_cast<PortAudioStream*>(self);
  return s->callback_(in, out, frames, time, flags, s->user_);
}

// Called when the stream stops, whether we stopped it or it died (device unplugged, JACK server
// gone). Only the second is a failure.
void PortAudioStream::onFinished(void* self) {
  auto* s = static_cast<PortAudioStream*>(self);
  if (s->running_.load(std::memory_order_acquire)) s->failed_.store(true, std::memory_order_release);
}

PortAudioStream::~PortAudioStream() {
  if (stream_ == nullptr) return;
  const PortAudioApi& pa = portAudio();
  auto lock = lockPortAudio();
  if (failed()) {
    // PortAudio cannot close a stream whose callback thread died with its server: it waits for
    // it forever. The stream is abandoned instead (a few kilobytes), and stays counted as open so
    // no rescan terminates PortAudio, which would wait on it the same way.
    return;
  }
  if (running_.exchange(false)) pa.AbortStream(stream_);
  pa.CloseStream(stream_);
  openCount_.fetch_sub(1, std::memory_order_acq_rel);
}

void PortAudioStream::start() {
  const PortAudioApi& pa = portAudio();
  auto lock = lockPortAudio();
  pa.check(pa.StartStream(stream_), label_ + ": cannot start");
  running_.store(true, std::memory_order_release);
}

void PortAudioStream::stop() {
  if (!running_.exchange(false)) return;
  // A stream that died on its own has no callback thread left to acknowledge a stop: asking
  // PortAudio to stop it would wait forever (seen with JACK after its server went away).
  if (failed()) return;
  auto lock = lockPortAudio();
  portAudio().StopStream(stream_);
}

}  // namespace ringmix::devices
#endif
