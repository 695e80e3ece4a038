// Pulling one period of an input from its ring into the cycle's scratch buffer: the jitter buffer
// (priming), underrun padding, rate conversion for devices at another rate, the high-water trim
// for producers on their own clock, and feeding duplex inputs from the clock's own callback.
// Real-time code.
#pragma once

#include <cstdint>

#include "engine/realtime/mix/input_rt.hpp"

namespace ringmix::engine {

// Writes `frames` frames of `in.channels` channels into `out`: audio, or silence while priming,
// after an underrun (counted, and the jitter buffer is rebuilt) or while its device has failed.
// `periodFrames` sizes the trim's high-water mark.
void pullInput(InputRt& in, float* out, std::uint32_t frames, std::uint32_t periodFrames) noexcept;

// Duplex inputs: copies the selected channels of the device's input buffer (frames ×
// deviceInChannels, or null: silence) into the input's ring, using `scratch` (frames × channels).
void feedDuplex(InputRt& in, const float* deviceIn, std::uint32_t deviceInChannels, std::uint32_t frames,
                float* scratch) noexcept;

}  // namespace ringmix::engine
