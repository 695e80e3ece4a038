#include "engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "engine/rt_hooks.hpp"

namespace ringmix::engine {

namespace {
std::uint32_t nextPow2Frames(std::uint32_t f) {
  std::uint32_t p = 1;
  while (p < f) p <<= 1;
  return p;
}
}  // namespace

Engine::Engine(const EngineConfig& config, ClockMode mode, const DeviceClockSpec& clock)
    : config_(config),
      mode_(mode),
      commands_(config.commandQueueSize),
      retired_(kMaxInputs * 2),
      events_(config.eventQueueSize),
      output_(static_cast<std::size_t>(config.outputRingFrames) * config.channels),
      cycle_(config, CycleLinks{commands_, retired_, events_, output_, metrics_}),
      deviceClockSpec_(clock) {
  initRtHooks();
  MetricsFrame empty{};
  for (auto& v : empty.masterPeakDb) v = -INFINITY;
  for (auto& v : empty.masterRmsDb) v = -INFINITY;
  metrics_.publish(empty);
}

Engine::~Engine() { close(); }

void Engine::send(const Command& c) {
  if (commands_.trySend(c)) return;
  if (!realtimeRunning()) {
    // No real-time thread consumes the queue now, so this thread may: apply what is pending
    // (exactly what the next cycle would have done first) and make room.
    RtScope rt;
    cycle_.drainCommands();
  } else {
    // The mix drains the queue every period; give it a few before declaring it stuck.
    const auto period = std::chrono::microseconds(1000000ull * config_.periodFrames / config_.sampleRate);
    for (int i = 0; i < 8 && !commands_.trySend(c); ++i) std::this_thread::sleep_for(period);
    collectRetired();
    if (commands_.trySend(c)) return;
    throw QueueFullError{};
  }
  collectRetired();
  if (!commands_.trySend(c)) throw QueueFullError{};
}

std::uint32_t Engine::addInput(const InputSpec& spec) {
  collectRetired();
  if (inputs_.size() >= kMaxInputs) throw TooManyInputsError{};
  const std::uint32_t id = nextId_++;
  const std::uint32_t period = config_.periodFrames;
  const bool generator = spec.kind == InputSpec::Kind::Generator;
  const bool device = spec.kind == InputSpec::Kind::Device;
  const std::uint32_t channels = generator ? config_.channels
                                 : device  ? static_cast<std::uint32_t>(spec.deviceChannels.size())
                                           : spec.channels;
  const std::uint32_t rate = device && spec.deviceRate ? spec.deviceRate : config_.sampleRate;
  // Jitter buffer: a device (virtual or real) ticks on its own clock, up to a period out of phase
  // with the master, so the mix waits for two periods; a push input starts once a period is there.
  // A device master clock may call back in bursts (a sound server delivering its buffer at once),
  // so a virtual device then waits for four; a capture device's own buffering is added below.
  const std::uint32_t devicePeriod =
      static_cast<std::uint32_t>(std::ceil(static_cast<double>(period) * rate / config_.sampleRate));
  const std::uint32_t prime = device                            ? 2 * devicePeriod
                              : generator && mode_ == ClockMode::Device ? 4 * period
                              : generator && mode_ == ClockMode::Virtual ? 2 * period
                                                                          : period;
  const std::uint32_t ringFrames = nextPow2Frames(std::max(8 * devicePeriod, rate / 2));
  auto input = std::make_unique<Input>(id, channels, ringFrames, prime);
  input->strip.params() = spec.strip;
  input->trimWhenFull = device || generator;
  // An input on the master clock's own device, added while stopped, at the mixer's rate: it
  // becomes part of the clock's stream (duplex) and needs no buffering of its own.
  const bool duplex = device && mode_ == ClockMode::Device && !running() &&
                      spec.deviceIndex == deviceClockSpec_.device && rate == config_.sampleRate &&
                      *std::max_element(spec.deviceChannels.begin(), spec.deviceChannels.end()) <
                          deviceClockSpec_.deviceInputChannels;
  if (duplex) {
    input->duplex = true;
    for (std::size_t c = 0; c < spec.deviceChannels.size() && c < 2; ++c) input->duplexMap[c] = spec.deviceChannels[c];
    input->primeFrames = 0;
    input->trimWhenFull = false;  // fed exactly what it is pulled
  } else if (device) {
#if RINGMIX_HAVE_PORTAUDIO
    if (rate != config_.sampleRate)
      input->resampler = std::make_unique<Resampler>(channels, rate, config_.sampleRate);
    input->capture = std::make_unique<devices::CaptureDevice>(spec.deviceIndex, rate, spec.deviceChannels,
                                                              devicePeriod, input->ring, spec.label);
    // The device delivers in bursts up to its own latency: buffer that on top of a period.
    const auto latencyFrames = static_cast<std::uint32_t>(std::ceil(input->capture->latency() * rate));
    input->primeFrames = std::min(std::max(prime, latencyFrames + devicePeriod), ringFrames / 2);
    if (running()) input->capture->start();
#else
    throw devices::NoBackendError(devices::portAudioUnavailableReason());
#endif
  }
  if (generator) {
    input->device = std::make_unique<devices::VirtualDevice>(
        spec.generator, spec.clockPpm, config_.sampleRate, channels, period, input->ring,
        0x9E3779B97F4A7C15ull * id);
    if (mode_ != ClockMode::Simulated && running()) input->device->start();
  }
  Input* raw = input.get();
  send(Command{CommandType::AddInput, id, 0.0, raw});
  input.release();  // the mix cycle owns it now; it comes back through retired_
  inputs_.emplace(id, InputRecord{raw, simulatedFrames_});
  return id;
}

void Engine::removeInput(std::uint32_t id) {
  auto it = inputs_.find(id);
  if (it == inputs_.end()) return;
  if (it->second.input->device) it->second.input->device->stop();
#if RINGMIX_HAVE_PORTAUDIO
  if (it->second.input->capture) it->second.input->capture->stop();
#endif
  watches_.erase({static_cast<int>(DeviceStatus::Kind::Input), id});
  inputs_.erase(it);
  send(Command{CommandType::RemoveInput, id, 0.0, nullptr});
  if (!realtimeRunning()) {
    RtScope rt;
    cycle_.drainCommands();
  }
  collectRetired();
}

void Engine::set(CommandType type, std::uint32_t id, double value) {
  collectRetired();
  send(Command{type, id, value, nullptr});
}

std::size_t Engine::writeInput(std::uint32_t id, const float* data, std::size_t frames) {
  auto it = inputs_.find(id);
  if (it == inputs_.end() || it->second.input->device) return 0;
#if RINGMIX_HAVE_PORTAUDIO
  if (it->second.input->capture) return 0;
#endif
  Input& in = *it->second.input;
  return in.ring.tryPush(data, frames * in.channels, in.channels) / in.channels;
}

std::size_t Engine::inputWritableFrames(std::uint32_t id) {
  auto it = inputs_.find(id);
  if (it == inputs_.end() || it->second.input->device) return 0;
  Input& in = *it->second.input;
  return in.ring.writeAvailable() / in.channels;
}

void Engine::onClockTick(void* self, const Tick& tick) noexcept {
  auto* e = static_cast<Engine*>(self);
  if (tick.index == 0) e->cycle_.setRealtimePriority(e->clock_.realtime());
  e->cycle_.run(e->config_.periodFrames, tick.lateNs);
  const std::int64_t end = PeriodicThread::nowNs();
  if (end > tick.nextNs) e->cycle_.noteXrun(end - tick.nextNs);
}

void Engine::onDeviceCycle(void* self, const float* in, std::uint32_t inChannels, float* out,
                           std::uint32_t frames, std::int64_t lateNs, bool underflow) noexcept {
  auto* e = static_cast<Engine*>(self);
  if (underflow) e->cycle_.noteXrun(0);
  const std::uint32_t ch = e->config_.channels;
  while (frames > 0) {  // a device may ask for more than one period at once
    const std::uint32_t n = std::min(frames, kMaxPeriodFrames);
    e->cycle_.run(n, lateNs, out, in, inChannels);
    out += static_cast<std::size_t>(n) * ch;
    if (in) in += static_cast<std::size_t>(n) * inChannels;
    frames -= n;
    lateNs = 0;
  }
}

void Engine::start() {
  if (mode_ == ClockMode::Simulated || running() || closed_) return;
  const std::int64_t now = PeriodicThread::nowNs();
  for (auto& [key, w] : watches_) w = Watch{0, now, w.down};
  for (auto& [id, rec] : inputs_) {
    if (rec.input->device) rec.input->device->start();
#if RINGMIX_HAVE_PORTAUDIO
    if (rec.input->capture && !rec.input->sourceFailed) rec.input->capture->start();
#endif
  }
#if RINGMIX_HAVE_PORTAUDIO
  for (auto& [id, out] : outputs_) out->start();
  if (mode_ == ClockMode::Device) {
    if (!deviceClock_) {
      // Open the device's input too when duplex inputs need it: enough channels for every one.
      std::uint32_t inChannels = 0;
      for (auto& [id, rec] : inputs_)
        if (rec.input->duplex)
          for (std::uint32_t c = 0; c < rec.input->channels; ++c)
            inChannels = std::max(inChannels, rec.input->duplexMap[c] + 1);
      if (inChannels) inChannels = std::max(inChannels, std::min(2u, deviceClockSpec_.deviceInputChannels));
      deviceClock_ = std::make_unique<devices::OutputClock>(
          deviceClockSpec_.device, config_.sampleRate, config_.channels, inChannels, config_.periodFrames,
          &Engine::onDeviceCycle, this, deviceClockSpec_.label);
    }
    running_ = true;  // before the first callback can run
    try {
      deviceClock_->start();
    } catch (...) {
      running_ = false;
      stop();
      throw;
    }
    return;
  }
#endif
  const long double periodNs = 1e9L * config_.periodFrames / config_.sampleRate;
  clock_.start(periodNs, &Engine::onClockTick, this, /*priority=*/80);
  running_ = true;
}

void Engine::stop() {
  markSilentStreamsStalled();
  clock_.stop();
#if RINGMIX_HAVE_PORTAUDIO
  // Closing (not just stopping) the device clock: its callback must not run while stopped, and a
  // later start() reopens it, which also recovers from a device that went away and came back.
  deviceClock_.reset();
  for (auto& [id, out] : outputs_) out->stop();
#endif
  for (auto& [id, rec] : inputs_) {
    if (rec.input->device) rec.input->device->stop();
#if RINGMIX_HAVE_PORTAUDIO
    if (rec.input->capture) rec.input->capture->stop();
#endif
  }
  running_ = false;
  RtScope rt;
  cycle_.drainCommands();
}

std::uint32_t Engine::addOutput(int deviceIndex, std::uint32_t deviceChannels, std::uint32_t deviceRate,
                                const std::string& label) {
#if RINGMIX_HAVE_PORTAUDIO
  const std::uint32_t id = nextOutputId_++;
  auto out = std::make_unique<devices::PlaybackDevice>(deviceIndex, deviceChannels,
                                                       deviceRate ? deviceRate : config_.sampleRate,
                                                       config_.sampleRate, config_.channels,
                                                       config_.periodFrames, output_, label);
  if (running()) out->start();
  outputs_.emplace(id, std::move(out));
  return id;
#else
  (void)deviceIndex, (void)deviceChannels, (void)deviceRate, (void)label;
  throw devices::NoBackendError(devices::portAudioUnavailableReason());
#endif
}

void Engine::removeOutput(std::uint32_t id) {
#if RINGMIX_HAVE_PORTAUDIO
  outputs_.erase(id);  // stops and closes the stream
#endif
  watches_.erase({static_cast<int>(DeviceStatus::Kind::Output), id});
}

std::vector<DeviceStatus> Engine::deviceStatus() const {
  std::vector<DeviceStatus> out;
#if RINGMIX_HAVE_PORTAUDIO
  if (deviceClock_)
    out.push_back(DeviceStatus{DeviceStatus::Kind::Clock, 0, deviceClock_->failed(), deviceClock_->callbacks(), 0,
                               deviceClock_->underflows(), 0, 0, 0, deviceClock_->latency() * 1e3,
                               config_.sampleRate});
  for (const auto& [id, rec] : inputs_) {
    const Input& in = *rec.input;
    if (in.duplex && deviceClock_) {  // its stream is the clock's
      out.push_back(DeviceStatus{DeviceStatus::Kind::Input, id, deviceClock_->failed(), deviceClock_->callbacks(),
                                 0, 0, 0, 0, 0, deviceClock_->inputLatency() * 1e3, config_.sampleRate});
      continue;
    }
    if (!in.capture) continue;
    out.push_back(DeviceStatus{DeviceStatus::Kind::Input, id, in.sourceFailed.load() || in.capture->failed(),
                               in.capture->callbacks(), in.capture->overflows(), 0, 0, 0, 0,
                               in.capture->latency() * 1e3,
                               in.resampler ? in.resampler->inRate() : config_.sampleRate});
  }
  for (const auto& [id, o] : outputs_) {
    const auto& sh = o->shared();
    out.push_back(DeviceStatus{DeviceStatus::Kind::Output, id, o->failed(), sh.callbacks.load(), 0,
                               sh.underflows.load() + sh.deviceUnderflows.load(), sh.lostFrames.load(),
                               sh.dropouts.load(), sh.reader.lag() / config_.channels, o->latency() * 1e3,
                               sh.resampler ? sh.resampler->outRate() : config_.sampleRate});
  }
#endif
  return out;
}

bool Engine::stalled(Watch& w, std::uint64_t callbacks, std::int64_t now, std::int64_t thresholdNs) const {
  if (callbacks != w.lastCallbacks || w.lastChangeNs == 0) {
    w.lastCallbacks = callbacks;
    w.lastChangeNs = now;
    return false;
  }
  return running_ && now - w.lastChangeNs > thresholdNs;
}

void Engine::markSilentStreamsStalled() {
#if RINGMIX_HAVE_PORTAUDIO
  if (!running_) return;
  // Sample every stream's callback count twice, 100 ms apart (JS thread, on stop only): a live
  // stream calls back far more often than that.
  auto sample = [&] {
    std::vector<std::uint64_t> v;
    if (deviceClock_) v.push_back(deviceClock_->callbacks());
    for (auto& [id, rec] : inputs_)
      if (rec.input->capture) v.push_back(rec.input->capture->callbacks());
    for (auto& [id, o] : outputs_) v.push_back(o->callbacks());
    return v;
  };
  const auto before = sample();
  if (before.empty()) return;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto after = sample();
  std::size_t i = 0;
  if (deviceClock_ && after[i] == before[i++]) deviceClock_->setStalled(true);
  for (auto& [id, rec] : inputs_)
    if (rec.input->capture && after[i] == before[i++]) rec.input->capture->setStalled(true);
  for (auto& [id, o] : outputs_)
    if (after[i] == before[i++]) o->setStalled(true);
#endif
}

std::vector<DeviceFailure> Engine::pollDeviceFailures() {
  std::vector<DeviceFailure> failures;
#if RINGMIX_HAVE_PORTAUDIO
  const std::int64_t now = PeriodicThread::nowNs();
  // Returns whether the stream is down now; reports it once per outage, and marks it stalled (or
  // recovered) so stop/close know whether its callback thread can still answer.
  auto check = [&](DeviceStatus::Kind kind, std::uint32_t id, auto& dev, const char* what) {
    Watch& w = watches_[{static_cast<int>(kind), id}];
    const bool stall = stalled(w, dev.callbacks(), now, kStallNs);
    dev.setStalled(stall);
    const bool down = dev.finished() || stall;
    if (down && !w.down) failures.push_back(DeviceFailure{kind, id, what});
    w.down = down;
    return down;
  };
  if (deviceClock_) check(DeviceStatus::Kind::Clock, 0, *deviceClock_, "the output device driving the mix stopped");
  for (auto& [id, rec] : inputs_) {
    Input& in = *rec.input;
    if (!in.capture) continue;
    const bool down = check(DeviceStatus::Kind::Input, id, *in.capture, "the input's capture device stopped");
    in.sourceFailed.store(down, std::memory_order_relaxed);
  }
  for (auto& [id, o] : outputs_) check(DeviceStatus::Kind::Output, id, *o, "the output device stopped");
#endif
  return failures;
}

void Engine::advance(std::uint64_t frames) {
  collectRetired();
  RtScope rt;  // the cycle runs on this thread now: the guard watches it like a real-time one
  while (frames > 0) {
    const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(frames, config_.periodFrames));
    for (auto& [id, rec] : inputs_)
      if (rec.input->device)
        rec.input->device->advanceTo(simulatedFrames_ + n - rec.startFrame, config_.periodFrames);
    cycle_.run(n, 0);
    simulatedFrames_ += n;
    frames -= n;
  }
}

MetricsFrame Engine::metrics() {
  collectRetired();
  return metrics_.read();
}

void Engine::collectRetired() {
  Input* in = nullptr;
  while (retired_.pop(&in, 1) == 1) delete in;  // its device thread (if any) stops in ~Input
}

void Engine::close() {
  if (closed_) return;
  closed_ = true;
  stop();
#if RINGMIX_HAVE_PORTAUDIO
  outputs_.clear();
#endif
  {
    RtScope rt;
    cycle_.drainCommands();
    cycle_.retireAll();
  }
  inputs_.clear();
  collectRetired();
}

}  // namespace ringmix::engine
