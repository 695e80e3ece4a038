// The metrics snapshot the real-time side publishes every cycle (through rt::Snapshot) and JS
// reads when it polls. Plain fixed-size data so the publish is a bounded copy.
#pragma once

#include <cstdint>

#include "config.hpp"

namespace ringmix::engine {

struct InputMetrics {
  std::uint32_t id;
  std::uint32_t channels;
  float peakDb[kMaxChannels];  // post-fader, pre-pan, over the meter window
  float rmsDb[kMaxChannels];
  std::uint32_t fillFrames;    // frames waiting in the input's ring
  std::uint64_t underruns;     // cycles that found fewer frames than they needed
  std::uint64_t overruns;      // frames lost to a full ring: refused to the producer, or trimmed
  // Drift compensation (see engine/realtime/drift/drift_loop.hpp).
  double ratio;                // producer frames per mix frame now (1 + skew, times the rate ratio)
  double clockPpm;             // the producer's clock against the master's, as measured
  double latencyFrames;        // frames waiting for the mix (smoothed), in mix frames
  std::uint64_t resyncs;       // hard re-syncs
  std::uint8_t locked;         // 1: compensated and holding its target (or on the master's clock)
  // Peak programme meter (post-fader): sample peak with IEC 60268-18 decay, and its held maximum.
  float ppmDb[kMaxChannels];
  float peakHoldDb[kMaxChannels];
  float gainReductionDb;       // compressor and gate together, now
};

// EBU R128 / ITU-R BS.1770-4 loudness of the master's output (see dsp/loudness_meter.hpp).
struct LoudnessMetrics {
  double momentaryLufs;   // 400 ms
  double shortTermLufs;   // 3 s
  double integratedLufs;  // gated, since the last reset
  double rangeLu;         // loudness range (EBU Tech 3342), since the last reset
  double truePeakDbtp;    // 4× oversampled, the maximum since the last reset
};

struct MetricsFrame {
  std::uint64_t frames;  // mix frames produced since creation
  std::uint64_t cycles;
  std::uint64_t xruns;
  std::uint64_t skippedCycles;  // cycles the clock dropped to get back on time (overload)
  double dspLoad;        // last cycle's processing time / period
  double cycleUsMean;    // since start
  double cycleUsMax;     // over the last ~second
  double lateUsMean;     // clock wake-up lateness, since start
  double lateUsMax;      // over the last ~second
  std::uint32_t realtimePriority;  // 1 when the clock thread got SCHED_FIFO
  std::uint32_t inputCount;
  float masterPeakDb[kMaxChannels];
  float masterRmsDb[kMaxChannels];
  float masterPpmDb[kMaxChannels];
  float masterPeakHoldDb[kMaxChannels];
  float masterCompressorGainReductionDb;
  float limiterGainReductionDb;
  std::uint32_t limiterLatencyFrames;  // the master chain's constant delay
  LoudnessMetrics loudness;
  InputMetrics inputs[kMaxInputs];
};

}  // namespace ringmix::engine
