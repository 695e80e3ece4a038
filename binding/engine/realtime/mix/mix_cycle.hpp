// MixCycle: one period of the mixer. Everything here runs on the master clock's thread (or, when
// no clock runs, on the JS thread holding the baton) and follows the real-time rules: only
// preallocated memory, atomics and arithmetic. No allocation, free, lock, log or blocking call.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/config.hpp"
#include "engine/messages.hpp"
#include "engine/metrics.hpp"
#include "engine/realtime/drift/clock_dll.hpp"
#include "engine/realtime/drift/clock_stamp.hpp"
#include "engine/realtime/mix/cycle_stats.hpp"
#include "engine/realtime/mix/dsp_controls.hpp"
#include "engine/realtime/mix/input_rt.hpp"
#include "engine/realtime/mix/master_dsp.hpp"
#include "engine/realtime/mix/meter.hpp"
#include "engine/realtime/mix/ramp.hpp"
#include "engine/realtime/mix/strip_controls.hpp"
#include "rt/baton.hpp"
#include "rt/command_queue.hpp"
#include "rt/event_queue.hpp"
#include "rt/snapshot.hpp"
#include "rt/spmc_ring.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

// The queues and outputs the cycle talks through; owned by the Engine.
struct CycleLinks {
  rt::CommandQueue<Command>& commands;
  rt::SpscRing<InputRt*>::Producer& retired;
  rt::EventQueue<Event>& events;
  rt::SpmcRing<float>& output;
  rt::Snapshot<MetricsFrame>& metrics;
  const MasterControls& master;
  const MasterDspControls& masterDsp;
};

class MixCycle {
 public:
  // Off the real-time path: sizes every buffer for the largest period.
  MixCycle(const EngineConfig& config, const CycleLinks& links);

  // Whoever runs or drains the cycle must hold this (see rt/baton.hpp).
  rt::Baton& baton() noexcept { return baton_; }

  // Runs one cycle of `frames` (<= kMaxPeriodFrames): apply commands and parameters, pull and mix
  // every input, master strip, meters, publish the mix and the metrics. timeNs is the cycle's time
  // on the master clock (CLOCK_MONOTONIC, or the simulated clock's), lateNs the clock's wake-up
  // lateness. With a device as the master clock, deviceOut receives the mix too (frames ×
  // channels, clipped to ±1), and deviceIn (frames × deviceInChannels, or null) feeds the duplex
  // inputs before they are pulled. Returns the samples clipped in deviceOut.
  std::uint64_t run(std::uint32_t frames, std::int64_t timeNs, std::int64_t lateNs, float* deviceOut = nullptr,
                    const float* deviceIn = nullptr, std::uint32_t deviceInChannels = 0) noexcept;

  // Applies queued commands without mixing (no clock runs the cycle now).
  void drainCommands() noexcept;
  // Publishes the metrics as they stand (no clock runs the cycle now, so the last cycle's snapshot
  // would still list inputs removed since).
  void publishState() noexcept;
  // Publishes the metrics if cycles ran since they last were (the cycle publishes them every
  // 1 / kMetricsPerSecond seconds of audio; whoever reads them while no clock runs calls this).
  void flushMetrics() noexcept;
  static constexpr std::uint32_t kMetricsPerSecond = 100;
  // The simulated clock: cycles run only inside the JS thread's advance(), so no one can read the
  // metrics between them; they are built when read (flushMetrics()), not every 1 / kMetricsPerSecond
  // of audio (at a few hundred times real time, tens of thousands of unread snapshots a second:
  // ~10 % of an offline render's time with a hundred inputs).
  void publishWhenRead() noexcept { periodic_ = false; }

  // Reported by the clock: a cycle finished past its deadline, or cycles were skipped.
  void noteXrun(std::int64_t overNs) noexcept;
  void noteSkipped(std::uint64_t cycles) noexcept;
  // Reported by the clock: it lost time (cycles skipped, a device's xrun), so the mix's line of
  // frames against time steps; the master DLL and the extra outputs' loops restart it.
  void noteClockBreak() noexcept { ++breaks_; }

  // Hands every input back through the retired ring (the engine is shutting down).
  void retireAll() noexcept;

  // The mix's own clock stamp (frames written to the broadcast ring, when): extra outputs
  // compensate their drift against it.
  const ClockStamp& stamp() const noexcept { return stamp_; }

 private:
  void apply(const Command& c) noexcept;
  void publishMetrics() noexcept;
  void pullControls() noexcept;
  void pullInputControls() noexcept;
  void updateSolo() noexcept;
  MasterTime masterTime(std::int64_t timeNs) noexcept;
  const InputRt* sidechainOf(const InputRt& in) const noexcept;

  const EngineConfig config_;
  CycleLinks links_;
  rt::Baton baton_;
  InputRt* inputs_[kMaxInputs] = {};
  std::uint32_t inputCount_ = 0;
  bool anySolo_ = false;
  std::uint32_t rampFrames_;
  std::size_t meterBlocks_;
  const std::uint32_t publishFrames_;
  std::uint64_t unpublishedFrames_ = 0;
  bool periodic_ = true;  // see publishWhenRead()

  // Inline, so they are part of the engine's memory (locked with it).
  float scratch_[kMaxPeriodFrames * kMaxChannels] = {};  // a duplex input's device frames
  alignas(64) float bus_[kMaxPeriodFrames * kMaxChannels] = {};  // the mix (cache-line aligned: whole-line vector stores)

  LinearRamp masterGain_;
  std::uint64_t masterSeen_ = 0;
  WindowMeter masterMeter_;
  MasterDsp masterDsp_;
  std::uint64_t masterDspSeen_ = 0, loudnessResetsSeen_ = 0;
  std::uint64_t inputControlsSeen_ = 0;  // MasterControls::inputControls() at the last look
  // Where pulled parameter sets land (too large for the stack of a callback thread).
  InputDspParams dspScratch_{};
  MasterDspParams masterDspScratch_{};
  CycleStats stats_;

  // The master clock measured against time, for drift compensation (see masterTime()).
  ClockDll masterDll_;
  std::int64_t firstNs_ = 0, lastNs_ = 0;
  ClockStamp stamp_;
  std::uint32_t breaks_ = 0, breaksSeen_ = 0;
};

}  // namespace ringmix::engine
