// Pulling one period of an input from its ring into the cycle's scratch buffer: the jitter buffer
// (priming), underrun padding, drift compensation and rate conversion (the resampler, steered by
// the input's DriftLoop), the high-water trim for uncompensated producers on their own clock, and
// feeding duplex inputs from the clock's own callback. Real-time code.
#pragma once

#include <cstdint>

#include "engine/realtime/mix/input_rt.hpp"

namespace ringmix::engine {

// The master clock as drift compensation sees it this cycle: its smoothed time (ns) and its
// measured rate (frames per second).
struct MasterTime {
  std::int64_t nowNs;
  double rate;
};

// What a pull did besides delivering audio.
struct PullOutcome {
  bool resynced = false;  // a compensated input was hard re-synced (counted in in.resyncs)
  double errorFrames = 0; // its fill error when it was
};

// Writes `frames` frames of `in.channels` channels into `out`: audio, or silence while priming,
// after an underrun (counted, and the jitter buffer is rebuilt) or while its device has failed.
// `periodFrames` sizes the trim's high-water mark.
PullOutcome pullInput(InputRt& in, float* out, std::uint32_t frames, std::uint32_t periodFrames,
                      const MasterTime& master) noexcept;

// The master clock jumped (a restart, or a stall of the clock itself): measure afresh.
void restartDrift(InputRt& in) noexcept;

// The input's latency now, in mix frames: the smoothed fill once its clock is measured, else the
// ring's fill.
double inputLatencyFrames(const InputRt& in) noexcept;

// Duplex inputs: copies the selected channels of the device's input buffer (frames ×
// deviceInChannels, or null: silence) into the input's ring, using `scratch` (frames × channels).
void feedDuplex(InputRt& in, const float* deviceIn, std::uint32_t deviceInChannels, std::uint32_t frames,
                float* scratch) noexcept;

}  // namespace ringmix::engine
