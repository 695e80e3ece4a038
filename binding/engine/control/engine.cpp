// Engine: construction, the clocks, start/stop/advance, servicing and closing.
#include "engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "devices/device_errors.hpp"
#include "platform/clock.hpp"
#include "platform/rt_scope.hpp"

namespace ringmix::engine {

namespace {
// Priorities of ringmix's own clock threads (SCHED_FIFO). The virtual devices' host runs below the
// master clock it feeds; under a device clock it runs just below that device's callback thread.
constexpr int kClockPriority = 80;
constexpr int kHostPriority = 70;
// Structural commands that may wait beyond the queue's size (see CommandOutbox).
constexpr std::size_t kOutboxLimit = 1u << 16;

long double periodNs(const EngineConfig& c) { return 1e9L * c.periodFrames / c.sampleRate; }
}  // namespace

Engine::Engine(const EngineConfig& config, ClockMode mode, const DeviceClockSpec& clock)
    : config_(config),
      mode_(mode),
      clockSpec_(clock),
      commands_(config.commandQueueSize),
      outbox_(commands_, kOutboxLimit),
      // Every input the cycle can hand back before the JS thread next collects: all it holds,
      // plus one per command it can drain meanwhile. So the cycle's push never fails.
      retired_(config.commandQueueSize + kMaxInputs),
      retiredIn_(retired_.producer()),
      retiredOut_(retired_.consumer()),
      events_(config.eventQueueSize),
      output_(static_cast<std::size_t>(config.outputRingFrames) * config.channels),
      cycle_(config, CycleLinks{commands_, retiredIn_, events_, output_, metrics_, master_, masterDsp_}),
      clock_(cycle_, config_),
      host_(periodNs(config)) {
  platform::initRtHooks();
  MetricsFrame empty{};
  for (auto& v : empty.masterPeakDb) v = -INFINITY;
  for (auto& v : empty.masterRmsDb) v = -INFINITY;
  metrics_.publish(empty);
  if (mode_ == ClockMode::Simulated) cycle_.publishWhenRead();
}

Engine::~Engine() { close(); }

bool Engine::cycleIdle() const noexcept {
  if (mode_ == ClockMode::Simulated || !running_) return true;
  // The output device driving the mix stopped calling back: nothing else would drain commands
  // or hand back removed inputs. If it comes back, its callback finds the baton taken at worst
  // once (a skipped buffer) and resumes.
  return mode_ == ClockMode::Device && clockDown_;
}

void Engine::service() {
  if (closed_) return;
  outbox_.flush();
  if (cycleIdle()) {
    rt::BatonScope baton(cycle_.baton());
    if (baton) {
      bool changed = false;
      do {
        changed = changed || commands_.sizeApprox() > 0;
        {
          platform::RtScope rt;  // the cycle's code runs on this thread now: the guard watches it
          cycle_.drainCommands();
        }
        outbox_.flush();  // control code (the outbox may free memory): outside the scope
      } while (commands_.sizeApprox() > 0);
      platform::RtScope rt;
      if (changed) cycle_.publishState();
      else cycle_.flushMetrics();  // the last cycles ran since the last publish (simulated, stopped)
    }
  }
  collectRetired();
  adoptClockPriority();
}

void Engine::send(const Command& c) {
  if (!outbox_.send(c)) throw QueueFullError{};
  service();
}

void Engine::collectRetired() {
  InputRt* rt = nullptr;
  while (retiredOut_.pop(&rt, 1) == 1) {
    for (auto& in : retiring_)
      if (&in->rt == rt) in->cycleReleased = true;
  }
  std::erase_if(retiring_, [&](const std::unique_ptr<Input>& in) {
    return in->cycleReleased && (!in->onHost || host_.released(in->hostTicket));
  });
}

void Engine::start() {
  if (mode_ == ClockMode::Simulated || closed_) return;
  // A clock whose device died leaves the mixer "running" but mixing nothing: start again from
  // scratch, which opens the device anew.
  if (running_ && clockDown_) stop();
  if (running_) return;
  service();
  watchdog_.restart(platform::nowNs());
  for (auto& [id, in] : inputs_) {
    if (in->generator) in->generator->restart();
    if (!in->stream || in->rt.sourceFailed.load()) continue;
    try {
      in->stream->start();
    } catch (const devices::DeviceError&) {
      in->rt.sourceFailed.store(true);  // its device is gone: reported as a deviceError, the rest runs
    }
  }
  for (auto& [id, out] : outputs_) out.stream->start();
  try {
    startHost();
    if (mode_ == ClockMode::Device) {
      openClockStream();
      clock_.reset();
      running_ = true;  // before the first callback can run
      clockDown_ = false;
      clockStream_->start();
    } else {
      clockThread_.start(periodNs(config_), &MasterClock::onTick, &clock_, kClockPriority);
      running_ = true;
    }
  } catch (...) {
    stop();
    throw;
  }
}

// The output device's stream, opened with input channels too when duplex inputs need them.
void Engine::openClockStream() {
  std::uint32_t inChannels = 0;
  for (auto& [id, in] : inputs_)
    if (in->rt.duplex)
      for (std::uint32_t c = 0; c < in->channels(); ++c) inChannels = std::max(inChannels, in->rt.duplexMap[c] + 1);
  if (inChannels) inChannels = std::max(inChannels, std::min(2u, clockSpec_.deviceInputChannels));
  devices::StreamConfig c;
  c.device = clockSpec_.device;
  c.sampleRate = config_.sampleRate;
  c.outputChannels = static_cast<int>(config_.channels);
  c.inputChannels = static_cast<int>(inChannels);
  c.framesPerBuffer = config_.periodFrames;
  c.label = clockSpec_.label;
  clockStream_ = devices::openStream(c, &MasterClock::onBuffers, &clock_);
}

// The virtual devices' host runs while the mixer runs and has a virtual device to drive: an idle
// host would wake every period for nothing (12,000 times a second at 16 frames and 192 kHz).
void Engine::startHost() {
  if (host_.running()) return;
  bool any = false;
  for (auto& [id, in] : inputs_) any = any || in->onHost;
  if (!any) return;
  // Under a device clock: the normal class until the device's callback priority is known.
  host_.start(mode_ == ClockMode::Device ? 0 : kHostPriority);
  hostPriority_ = -1;
}

// Under a device clock, the virtual devices' host runs just below the device's callback thread
// (at its first callback the stream records how its host scheduled it), never above it.
void Engine::adoptClockPriority() {
  if (mode_ != ClockMode::Device || !clockStream_ || !host_.running()) return;
  const int p = clockStream_->callbackPriority();
  if (p < 0 || p == hostPriority_) return;
  host_.setPriority(p > 1 ? p - 1 : 0);
  hostPriority_ = p;
}

void Engine::stopStreams(bool forGood) {
  clockThread_.stop();
  host_.stop();
  if (clockStream_) {
    // Closed, not just stopped: a later start() reopens it, which also recovers from a device
    // that went away and came back.
    clockStream_->stop();
    clockStream_->detach();
    if (forGood) clockStream_.reset();
    else devices::retireStream(std::move(clockStream_));
  }
  for (auto& [id, in] : inputs_) {
    if (!in->stream) continue;
    in->stream->stop();
    if (forGood) {
      in->stream->detach();
      in->stream.reset();
    }
  }
  for (auto& [id, out] : outputs_) {
    out.stream->stop();
    if (forGood) {
      out.stream->detach();
      out.stream.reset();
    }
  }
}

void Engine::stop() {
  if (closed_) return;
  stopStreams(false);
  running_ = false;
  clockDown_ = false;
  service();
}

void Engine::addLosslessReader(std::shared_ptr<LosslessReader> reader) { lossless_.push_back(std::move(reader)); }

void Engine::removeLosslessReader(const LosslessReader* reader) {
  std::erase_if(lossless_, [&](const auto& r) { return r.get() == reader; });
}

// Before a simulated cycle of n frames: waits until no recorder would be overrun by it (their
// threads write to disk meanwhile). A recorder that is done no longer holds anything back.
void Engine::waitForLossless(std::uint32_t frames) {
  if (lossless_.empty()) return;
  const std::uint64_t end = output_.writePosition() + static_cast<std::uint64_t>(frames) * config_.channels;
  for (const auto& r : lossless_)
    while (!r->done.load(std::memory_order_acquire) && end - r->position.load(std::memory_order_acquire) > output_.capacity())
      std::this_thread::sleep_for(std::chrono::microseconds(50));
}

void Engine::advance(std::uint64_t frames) {
  service();
  rt::BatonScope baton(cycle_.baton());  // always free: no clock runs a simulated cycle
  while (frames > 0) {
    const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(frames, config_.periodFrames));
    waitForLossless(n);
    platform::RtScope rt;  // the cycle runs on this thread now: the guard watches it like a real-time one
    // A virtual device's stamp is dated when its frames are due (the end of this cycle), so that
    // cycles of any length keep its clock a straight line.
    const auto timeNs = simulatedNs();
    const auto dueNs = simulatedNs(simulatedFrames_ + n);
    if (directSkewed_) leaveDirectSkewed(timeNs);
    for (Input* in : simulatedGenerators_)
      in->generator->advanceTo(simulatedFrames_ + n - in->startFrame, config_.periodFrames, dueNs);
    cycle_.run(n, timeNs, 0);
    simulatedFrames_ += n;
    frames -= n;
  }
}

// Every direct generator whose clock was skewed (setClockPpm()) leaves direct mode before this
// cycle and joins the generators advanced through their rings.
void Engine::leaveDirectSkewed(std::int64_t timeNs) noexcept {
  directSkewed_ = false;
  std::erase_if(directGenerators_, [&](Input* in) {
    if (in->rt.clockRelation.load(std::memory_order_relaxed) == InputRt::ClockRelation::Same) return false;
    leaveDirect(*in, timeNs, simulatedFrames_ - in->startFrame);
    simulatedGenerators_.push_back(in);  // room: reserved for every generator when it was added
    return true;
  });
}

// A direct generator whose clock was skewed: from this cycle on through its ring and resampler,
// which take up the signal where the cycle left it (VirtualSource::leaveDirect()). Its drift loop
// starts measuring. The cycle is not running: the simulated clock runs it on this thread.
void Engine::leaveDirect(Input& in, std::int64_t timeNs, std::uint64_t masterFrames) noexcept {
  InputRt& r = in.rt;
  r.direct = nullptr;
  float window[Resampler::kTaps * kMaxChannels];
  std::uint64_t consumed = 0;
  if (!in.generator->leaveDirect(window, masterFrames, config_.periodFrames, timeNs, consumed)) return;
  r.resampler->resumePassThrough(window);
  r.consumedFrames = consumed;
  r.primed = r.heard = true;
  r.drift.restart();
}

void Engine::close() {
  std::lock_guard<std::mutex> lock(closeLock_);
  if (closed_) return;
  // Nothing may run the cycle or touch an input's parts after this: the clock and host threads
  // are joined, and every stream is detached (its callback can no longer reach its context) and
  // closed, or abandoned if its server died. Then everything is freed: the JS thread owned it all.
  stopStreams(true);
  running_ = false;
  closed_ = true;
  for (auto& in : retiring_)
    if (in->stream) in->stream->detach();
  simulatedGenerators_.clear();
  directGenerators_.clear();
  inputs_.clear();
  retiring_.clear();
  outputs_.clear();
}

}  // namespace ringmix::engine
