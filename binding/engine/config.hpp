// Engine configuration and limits, fixed when a mixer is created.
#pragma once

#include <cstdint>

namespace ringmix::engine {

// Inputs live in fixed arrays on the real-time side (and in the metrics snapshot, which publishes
// only the inputs present), so their number is bounded: 1024 is beyond the largest broadcast
// consoles, and within what one core mixes at 48 kHz (npm run bench:mix reports the capacity).
inline constexpr std::uint32_t kMaxInputs = 1024;
inline constexpr std::uint32_t kMaxChannels = 2;
inline constexpr std::uint32_t kMaxPeriodFrames = 4096;

struct EngineConfig {
  std::uint32_t sampleRate = 48000;
  std::uint32_t periodFrames = 256;
  std::uint32_t channels = 2;
  // Parameter ramps (gain, pan, mute, solo): long enough to be click-free, short enough to feel
  // immediate.
  double rampMs = 10.0;
  // Meter window: peak and RMS in metrics() cover the most recent this-many milliseconds.
  double meterWindowMs = 100.0;
  // The master ends in the look-ahead true-peak limiter (its latency whether enabled or bypassed);
  // false: no limiter stage, no latency.
  bool masterLimiter = true;
  // The broadcast ring read by taps and other consumers.
  std::uint32_t outputRingFrames = 1u << 17;  // 2.7 s at 48 kHz
  // Simulated clock: generators on the mixer's own clock are rendered by the cycle itself, not
  // through a ring (VirtualSource::enableDirect()). false: through their ring, as on the other
  // clocks (for tests that compare the two).
  bool directGenerators = true;
  std::uint32_t commandQueueSize = 1024;
  std::uint32_t eventQueueSize = 256;
};

}  // namespace ringmix::engine
