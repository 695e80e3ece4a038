// One resampler kernel table per distinct conversion, shared by every resampler that needs it:
// designing a table takes ~2 ms (16,448 windowed-sinc taps), which a mixer adding 128 inputs
// paid 128 times. Control side (JS thread): tables are built and handed out under a lock; the
// real-time side only reads them.
#pragma once

#include <cstdint>

#include "engine/realtime/dsp/resampler.hpp"

namespace ringmix::engine {

// The table for Resampler(channels, inRate, outRate, maxSkew); kept for the process's lifetime
// (a handful of rate pairs exist).
Resampler::Table sharedResamplerTable(std::uint32_t inRate, std::uint32_t outRate, double maxSkew);

}  // namespace ringmix::engine
