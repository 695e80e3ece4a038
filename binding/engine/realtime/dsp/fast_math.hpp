// Fast log2 and exp2 in double precision for the dynamics blocks' per-sample dB arithmetic, where
// std::log10/std::pow per sample would cost more than the rest of a compressor together. Errors
// (tested against std::log2/std::exp2 in test/dsp/fast_math_test.cpp):
//   fastLog2: |error| < 5e-8 (in dB: 20·log10(x) = 6.0206·log2(x), under 3e-7 dB), x ≥ 1e-30
//   fastExp2: relative error < 1e-8 (under 1e-7 dB), y within ±1000
//   fastExp2f: relative error < 4e-7 (under 4e-6 dB), y within ±126
// Real-time code: arithmetic only.
#pragma once

#include <bit>
#include <cstdint>

#include "engine/realtime/dsp/simd.hpp"

namespace ringmix::engine::dsp::fastmath {

inline constexpr double kDbPerLog2 = 6.0205999132796239;  // 20·log10(2)

// x = m·2^e with m in [√½, √2); log2(m) = (2/ln 2)·atanh(t), t = (m-1)/(m+1), |t| < 0.172, from
// atanh's odd series to t^7 (the first term left out, t^9/9, is below 1.6e-8).
inline double fastLog2(double x) noexcept {
  if (!(x >= 1e-30)) x = 1e-30;  // also catches NaN
  auto bits = std::bit_cast<std::uint64_t>(x);
  auto e = static_cast<std::int64_t>(bits >> 52) - 1023;  // x is positive and normal here
  bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;
  double m = std::bit_cast<double>(bits);  // [1, 2)
  if (m > 1.4142135623730951) {
    m *= 0.5;
    ++e;
  }
  const double t = (m - 1.0) / (m + 1.0), t2 = t * t;
  const double series = t * (1.0 + t2 * (1.0 / 3.0 + t2 * (1.0 / 5.0 + t2 * (1.0 / 7.0))));
  return static_cast<double>(e) + 2.8853900817779268 * series;  // 2/ln 2
}

// 2^y = 2^n · 2^f with n = round(y), |f| ≤ ½: 2^f = e^(f·ln 2) from its Taylor series to the 7th
// power (the first term left out is below 5.3e-9 relative), 2^n built in the exponent bits.
inline double fastExp2(double y) noexcept {
  if (!(y > -1000.0)) y = -1000.0;  // also catches NaN
  if (y > 1000.0) y = 1000.0;
  const auto n = static_cast<std::int64_t>(y + 1024.5) - 1024;  // floor(y + ½) for y > -1024
  const double u = (y - static_cast<double>(n)) * 0.69314718055994531;
  const double p =
      1.0 + u * (1.0 + u * (1.0 / 2 + u * (1.0 / 6 + u * (1.0 / 24 + u * (1.0 / 120 + u * (1.0 / 720 + u * (1.0 / 5040)))))));
  return p * std::bit_cast<double>(static_cast<std::uint64_t>(n + 1023) << 52);
}

// Single precision, for gains applied to float audio: 2^f to the 6th power (the first term
// left out is below 1.2e-7), relative error < 4e-7 (under 4e-6 dB), y within ±126. Branch-free;
// GCC 12 still leaves a loop of it scalar (its clamps' compares may trap), so fastExp2f(F4) below
// computes four at once, with the same results.
inline float fastExp2f(float y) noexcept {
  y = y > -126.0f ? y : -126.0f;  // NaN compares false: it becomes -126
  y = y < 126.0f ? y : 126.0f;
  const std::int32_t n = static_cast<std::int32_t>(y + 127.5f) - 127;  // floor(y + ½) for y > -127.5
  const float u = (y - static_cast<float>(n)) * 0.693147181f;
  const float p = 1.0f + u * (1.0f + u * (0.5f + u * (1.0f / 6 + u * (1.0f / 24 + u * (1.0f / 120 + u * (1.0f / 720))))));
  return p * std::bit_cast<float>(static_cast<std::uint32_t>(n + 127) << 23);
}

// fastExp2f lane by lane, to the bit: the same float operations in the same order (MAXPS/MINPS
// give the clamps' NaN rule, CVTTPS2DQ the same truncation).
inline simd::F4 fastExp2f(simd::F4 y4) noexcept {
#if defined(RINGMIX_F4_SSE)
  const __m128 y = _mm_min_ps(_mm_max_ps(y4.v, _mm_set1_ps(-126.0f)), _mm_set1_ps(126.0f));
  const __m128i n = _mm_sub_epi32(_mm_cvttps_epi32(_mm_add_ps(y, _mm_set1_ps(127.5f))), _mm_set1_epi32(127));
  const __m128 u = _mm_mul_ps(_mm_sub_ps(y, _mm_cvtepi32_ps(n)), _mm_set1_ps(0.693147181f));
  const auto madd = [&](__m128 acc, float c) { return _mm_add_ps(_mm_set1_ps(c), _mm_mul_ps(u, acc)); };
  const __m128 p = madd(madd(madd(madd(madd(madd(_mm_set1_ps(1.0f / 720), 1.0f / 120), 1.0f / 24), 1.0f / 6), 0.5f), 1.0f), 1.0f);
  return {_mm_mul_ps(p, _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(n, _mm_set1_epi32(127)), 23)))};
#elif defined(RINGMIX_F4_NEON)
  const float32x4_t lo = vdupq_n_f32(-126.0f), hi = vdupq_n_f32(126.0f);
  float32x4_t y = vbslq_f32(vcgtq_f32(y4.v, lo), y4.v, lo);
  y = vbslq_f32(vcltq_f32(y, hi), y, hi);
  const int32x4_t n = vsubq_s32(vcvtq_s32_f32(vaddq_f32(y, vdupq_n_f32(127.5f))), vdupq_n_s32(127));
  const float32x4_t u = vmulq_f32(vsubq_f32(y, vcvtq_f32_s32(n)), vdupq_n_f32(0.693147181f));
  // Separate multiply and add (no vmla/vfma): the scalar code's roundings.
  const auto madd = [&](float32x4_t acc, float c) { return vaddq_f32(vdupq_n_f32(c), vmulq_f32(u, acc)); };
  const float32x4_t p = madd(madd(madd(madd(madd(madd(vdupq_n_f32(1.0f / 720), 1.0f / 120), 1.0f / 24), 1.0f / 6), 0.5f), 1.0f), 1.0f);
  return {vmulq_f32(p, vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n, vdupq_n_s32(127)), 23)))};
#else
  return {{fastExp2f(y4.v[0]), fastExp2f(y4.v[1]), fastExp2f(y4.v[2]), fastExp2f(y4.v[3])}};
#endif
}

inline double fastDb(double amplitude) noexcept { return kDbPerLog2 * fastLog2(amplitude); }
inline double fastFromDb(double db) noexcept { return fastExp2(db * (1.0 / kDbPerLog2)); }

}  // namespace ringmix::engine::dsp::fastmath
