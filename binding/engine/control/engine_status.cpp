// Engine: metrics, device status and device failures, for the JS thread's polling.
#include "engine.hpp"
#include "platform/clock.hpp"

namespace ringmix::engine {

MetricsFrame Engine::metrics() {
  service();
  MetricsFrame m = metrics_.read();
  m.realtimePriority = mode_ == ClockMode::Virtual  ? clockThread_.realtime()
                       : mode_ == ClockMode::Device ? clockStream_ && clockStream_->callbackPriority() > 0
                                                    : false;
  return m;
}

std::vector<DeviceStatus> Engine::deviceStatus() const {
  std::vector<DeviceStatus> out;
  if (mode_ == ClockMode::Device)
    out.push_back(DeviceStatus{StreamKind::Clock, 0, clockDown_, clockStream_ ? clockStream_->callbacks() : 0, 0,
                               clock_.underflows(), 0, 0, 0, clock_.clippedSamples(),
                               clockStream_ ? clockStream_->outputLatency() * 1e3 : 0.0, config_.sampleRate});
  for (const auto& [id, in] : inputs_) {
    if (in->rt.duplex) {  // its stream is the clock's
      out.push_back(DeviceStatus{StreamKind::Input, id, clockDown_, clockStream_ ? clockStream_->callbacks() : 0, 0, 0, 0,
                                 0, 0, 0, clockStream_ ? clockStream_->inputLatency() * 1e3 : 0.0, config_.sampleRate});
      continue;
    }
    if (!in->stream) continue;
    out.push_back(DeviceStatus{StreamKind::Input, id, in->rt.sourceFailed.load() || in->stream->finished(),
                               in->stream->callbacks(), in->capture->overflows(), 0, 0, 0, 0, 0,
                               in->stream->inputLatency() * 1e3, in->deviceRate});
  }
  for (const auto& [id, o] : outputs_) {
    const auto& c = o.source->counters();
    DeviceStatus s{StreamKind::Output, id, o.stream->finished(), o.stream->callbacks(), 0,
                   c.underflows.load() + c.deviceUnderflows.load(), c.lostFrames.load(), c.dropouts.load(),
                   c.lagFrames.load(), c.clippedSamples.load(), o.stream->outputLatency() * 1e3,
                   o.source->deviceRate(config_.sampleRate)};
    s.ratio = c.ratio.load(std::memory_order_relaxed);
    s.clockPpm = c.clockPpm.load(std::memory_order_relaxed);
    s.driftLatencyFrames = c.latencyFrames.load(std::memory_order_relaxed);
    s.locked = c.locked.load(std::memory_order_relaxed);
    s.resyncs = c.resyncs.load(std::memory_order_relaxed);
    s.compensated = o.source->compensated();
    out.push_back(s);
  }
  return out;
}

std::vector<DeviceFailure> Engine::pollDeviceFailures() {
  std::vector<DeviceFailure> failures;
  if (mode_ == ClockMode::Simulated || closed_) return failures;
  const std::int64_t now = platform::nowNs();
  if (clockStream_) {
    const auto v = watchdog_.check(StreamKind::Clock, 0, clockStream_->callbacks(), clockStream_->finished(), running_, now);
    clockDown_ = running_ && v.down;
    if (v.newlyDown) failures.push_back({StreamKind::Clock, 0, "the output device driving the mix stopped"});
  }
  for (auto& [id, in] : inputs_) {
    if (!in->stream) continue;
    const auto v = watchdog_.check(StreamKind::Input, id, in->stream->callbacks(), in->stream->finished(), running_, now);
    in->rt.sourceFailed.store(v.down, std::memory_order_relaxed);
    if (v.newlyDown) failures.push_back({StreamKind::Input, id, "the input's capture device stopped"});
  }
  for (auto& [id, o] : outputs_) {
    const auto v = watchdog_.check(StreamKind::Output, id, o.stream->callbacks(), o.stream->finished(), running_, now);
    if (v.newlyDown) failures.push_back({StreamKind::Output, id, "the output device stopped"});
  }
  service();
  return failures;
}

}  // namespace ringmix::engine
