#include "engine.hpp"

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

Engine::Engine(const EngineConfig& config, ClockMode mode)
    : config_(config),
      mode_(mode),
      commands_(config.commandQueueSize),
      retired_(kMaxInputs * 2),
      events_(config.eventQueueSize),
      output_(static_cast<std::size_t>(config.outputRingFrames) * config.channels),
      cycle_(config, CycleLinks{commands_, retired_, events_, output_, metrics_}) {
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
  const std::uint32_t channels = generator ? config_.channels : spec.channels;
  // Jitter buffer: a virtual device ticks on its own clock, up to a period out of phase with the
  // master, so the mix waits for two periods; a push input starts as soon as a period is there.
  const std::uint32_t prime = generator && mode_ == ClockMode::Virtual ? 2 * period : period;
  const std::uint32_t ringFrames = nextPow2Frames(std::max(8 * period, config_.sampleRate / 2));
  auto input = std::make_unique<Input>(id, channels, ringFrames, prime);
  input->strip.params() = spec.strip;
  if (generator) {
    input->device = std::make_unique<devices::VirtualDevice>(
        spec.generator, spec.clockPpm, config_.sampleRate, channels, period, input->ring,
        0x9E3779B97F4A7C15ull * id);
    if (mode_ == ClockMode::Virtual && running()) input->device->start();
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

void Engine::start() {
  if (mode_ != ClockMode::Virtual || running() || closed_) return;
  for (auto& [id, rec] : inputs_)
    if (rec.input->device) rec.input->device->start();
  const long double periodNs = 1e9L * config_.periodFrames / config_.sampleRate;
  clock_.start(periodNs, &Engine::onClockTick, this, /*priority=*/80);
}

void Engine::stop() {
  if (!running()) return;
  clock_.stop();
  for (auto& [id, rec] : inputs_)
    if (rec.input->device) rec.input->device->stop();
  RtScope rt;
  cycle_.drainCommands();
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
  {
    RtScope rt;
    cycle_.drainCommands();
    cycle_.retireAll();
  }
  inputs_.clear();
  collectRetired();
}

}  // namespace ringmix::engine
