// Where PeakProgrammeMeter::add()'s hold starts: the last frame of a block at its peak, found
// by scanning back from the block's end (peak_meter.hpp). A block that tops the hold needs it; a
// caller that tracked the position while reading the samples passes its own (mix/mono_fuse.hpp).
// Real-time code: arithmetic only.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "engine/realtime/dsp/simd.hpp"

namespace ringmix::engine::peak_meter_scan {

inline constexpr std::uint32_t kLanes = 8;  // PeakProgrammeMeter::kLanes

// The last frame of the block whose channel c has magnitude `peak` (0 if none). A steady tone
// tops its own hold every block, so this runs often: eight samples per step, newest first.
inline std::uint32_t lastFrameAt(const float* x, std::uint32_t frames, std::uint32_t ch, std::uint32_t c, float peak) noexcept {
  std::size_t i = static_cast<std::size_t>(frames) * ch;
  if (kLanes % ch == 0) {
    // Lane j of an aligned group of eight holds channel j % ch: the lanes that are channel c.
    unsigned lanes = 0;
    for (std::uint32_t j = c; j < kLanes; j += ch) lanes |= 1u << j;
    for (; i % kLanes != 0; --i)  // the tail, down to a whole group
      if ((i - 1) % ch == c && std::fabs(x[i - 1]) == peak) return static_cast<std::uint32_t>((i - 1) / ch);
    const simd::F4 p = simd::F4::fill(peak);
    for (; i >= kLanes; i -= kLanes) {
      const float* g = x + i - kLanes;
      const unsigned hit = (simd::equalMask(simd::abs(simd::F4::load(g)), p) |
                            simd::equalMask(simd::abs(simd::F4::load(g + 4)), p) << 4) & lanes;
      if (hit != 0) return static_cast<std::uint32_t>((i - kLanes + (31 - std::countl_zero(hit))) / ch);
    }
    return 0;
  }
  for (std::uint32_t k = frames; k-- > 0;)
    if (std::fabs(x[static_cast<std::size_t>(k) * ch + c]) == peak) return k;
  return 0;
}

}  // namespace ringmix::engine::peak_meter_scan
