// The compressor's vectorised passes over a sub-block (compressor.hpp): the detector's level per
// frame, the gains' exponentials, and applying a gain per frame. F4 for what GCC leaves scalar on
// its own: a max of floats (it must keep std::max's NaN rule), fastExp2f, and spreading one gain
// over a stereo frame.
// Real-time code: arithmetic on the caller's buffers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/realtime/dsp/fast_math.hpp"
#include "engine/realtime/dsp/simd.hpp"

namespace ringmix::engine::dsp::compressor_passes {

// level[f] = max over the DC (1 or 2) channels of |det| at frame f, as
// std::max(|left|, |right|): a NaN on the left makes the level NaN (which PeakHold skips), one on
// the right is skipped. maxInto(right, left) is that expression, lane by lane.
template <int DC>
void detectorLevels(const float* det, std::uint32_t n, float* level) noexcept {
  std::uint32_t f = 0;
  if constexpr (DC == 2) {
    for (; f + 4 <= n; f += 4) {
      simd::F4 left, right;
      simd::deinterleave(det + 2 * f, left, right);
      simd::maxInto(simd::abs(right), simd::abs(left)).store(level + f);
    }
    for (; f < n; ++f) level[f] = std::max(std::fabs(det[2 * f]), std::fabs(det[2 * f + 1]));
  } else {
    for (; f < n; ++f) level[f] = std::fabs(det[f]);
  }
}

// gain[f] = fastExp2f(gain[f]·scale), in place.
inline void exponentiate(float* gain, std::uint32_t n, float scale) noexcept {
  std::uint32_t f = 0;
  for (const simd::F4 s = simd::F4::fill(scale); f + 4 <= n; f += 4)
    fastmath::fastExp2f(simd::F4::load(gain + f) * s).store(gain + f);
  for (; f < n; ++f) gain[f] = fastmath::fastExp2f(gain[f] * scale);
}

// x[f·C + ch] *= gain[f] for the C (1 or 2) channels.
template <int C>
void applyGains(float* x, const float* gain, std::uint32_t n) noexcept {
  std::uint32_t f = 0;
  if constexpr (C == 2) {
    for (; f + 4 <= n; f += 4) {
      const simd::F4 g = simd::F4::load(gain + f);
      (simd::F4::load(x + 2 * f) * simd::dupLow(g)).store(x + 2 * f);
      (simd::F4::load(x + 2 * f + 4) * simd::dupHigh(g)).store(x + 2 * f + 4);
    }
    for (; f < n; ++f) {
      x[2 * f] *= gain[f];
      x[2 * f + 1] *= gain[f];
    }
  } else {
    for (; f < n; ++f) x[f] *= gain[f];
  }
}

}  // namespace ringmix::engine::dsp::compressor_passes
