// MixCycle: one period of the mixer. Everything here runs on the master clock's thread (or, with
// the simulated clock, on the JS thread inside advance()) and follows the real-time rules: only
// preallocated memory, atomics and arithmetic. No allocation, free, lock, log or blocking call.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/config.hpp"
#include "engine/input.hpp"
#include "engine/messages.hpp"
#include "engine/metrics.hpp"
#include "engine/realtime/meter.hpp"
#include "engine/realtime/ramp.hpp"
#include "rt/command_queue.hpp"
#include "rt/event_queue.hpp"
#include "rt/snapshot.hpp"
#include "rt/spmc_ring.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

// The queues and outputs the cycle talks through; owned by the Engine.
struct CycleLinks {
  rt::CommandQueue<Command>& commands;
  rt::SpscRing<Input*>& retired;
  rt::EventQueue<Event>& events;
  rt::SpmcRing<float>& output;
  rt::Snapshot<MetricsFrame>& metrics;
};

class MixCycle {
 public:
  // Off the real-time path: sizes every buffer for the largest period.
  MixCycle(const EngineConfig& config, const CycleLinks& links);

  // Runs one cycle of `frames` (<= kMaxPeriodFrames): drain commands, pull and mix every input,
  // master strip, meters, publish the mix and the metrics. lateNs is the clock's wake-up lateness.
  // With a device as the master clock, deviceOut receives the mix too (frames × channels), and
  // deviceIn (frames × deviceInChannels, or null) feeds the duplex inputs before they are pulled.
  void run(std::uint32_t frames, std::int64_t lateNs, float* deviceOut = nullptr,
           const float* deviceIn = nullptr, std::uint32_t deviceInChannels = 0) noexcept;

  // Applies queued commands without mixing. For the JS thread when no real-time thread is running
  // (stopped or simulated clock), so commands never pile up unapplied.
  void drainCommands() noexcept;

  // Reported by the clock after a cycle finished past its deadline.
  void noteXrun(std::int64_t overNs) noexcept;
  void setRealtimePriority(bool got) noexcept { realtimePriority_ = got; }

  // Hands every input back through the retired queue (the engine is shutting down).
  void retireAll() noexcept;

 private:
  void apply(const Command& c) noexcept;
  Input* find(std::uint32_t id) noexcept;
  void updateSolo() noexcept;
  void pull(Input& in, std::uint32_t frames) noexcept;
  void pullResampled(Input& in, std::uint32_t frames) noexcept;
  void trimIfFull(Input& in) noexcept;
  void feedDuplex(Input& in, const float* deviceIn, std::uint32_t deviceInChannels, std::uint32_t frames) noexcept;
  void publishMetrics(std::uint32_t frames, double cycleUs, std::int64_t lateNs) noexcept;

  const EngineConfig config_;
  CycleLinks links_;
  Input* inputs_[kMaxInputs] = {};
  std::uint32_t inputCount_ = 0;
  bool anySolo_ = false;

  std::unique_ptr<float[]> scratch_;  // one input's frames
  std::unique_ptr<float[]> bus_;      // the mix
  std::uint32_t rampFrames_;

  LinearRamp masterGain_;
  WindowMeter masterMeter_;

  // Counters (published in the metrics).
  std::uint64_t frames_ = 0;
  std::uint64_t cycles_ = 0;
  std::uint64_t xruns_ = 0;
  double cycleUsSum_ = 0, lateUsSum_ = 0;
  double cycleUsMaxCur_ = 0, cycleUsMaxPrev_ = 0, lateUsMaxCur_ = 0, lateUsMaxPrev_ = 0;
  std::uint64_t maxWindowFrames_ = 0, framesInMaxWindow_ = 0;
  bool realtimePriority_ = false;
  MetricsFrame snapshot_{};  // built here each cycle, then published
};

}  // namespace ringmix::engine
