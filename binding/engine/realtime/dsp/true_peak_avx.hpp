// TruePeakDetector's block FIR (true_peak.hpp) eight frames per vector, for CPUs with AVX, or
// sixteen with AVX-512F: the prebuilt binaries are baseline x86-64 (SSE2), so these few functions
// alone are compiled for AVX (AVX-512F) and the detector picks them at run time
// (TruePeakDetector::setVectorWidth()).
//
// Lane i is frame f + i, and each lane does exactly sums()'s operations in its order: per tap a
// multiply, then an add into one of four partial sums (tap mod 4), combined as (a0 + a1) + (a2 +
// a3). Only "avx" is enabled, not "fma", so the compiler has no fused multiply-add to contract
// them into. Every oversampled value is therefore bit-identical to the SSE path's, which keeps
// the limiter's values (oversample()) and the meter's (chunkPeak()) equal whichever path ran and
// however the frames were grouped (BlockPeak relies on it).
//
// Elsewhere (AArch64/NEON, MSVC, 32-bit x86) kAvailable is false and the functions are stubs
// that are never called: the detector compiles to the SSE/NEON code alone.
// Real-time code: arithmetic only. Whether the CPU has AVX: simd::kCpuHasAvx (cpu_avx.hpp).
#pragma once

#include <cstdint>

#include "engine/realtime/dsp/cpu_avx.hpp"

#if defined(RINGMIX_AVX_KERNELS)
#include <immintrin.h>
#endif

namespace ringmix::engine::true_peak_avx {

#if defined(RINGMIX_AVX_KERNELS)
inline constexpr bool kAvailable = true;

// One phase (its kTaps coefficients c, oldest tap first) of the eight frames whose windows start
// at w .. w + 7. The coefficient is broadcast from the phase's row: the same float the SSE path
// reads from its four-fold copy.
template <std::uint32_t kTaps>
__attribute__((target("avx"))) inline __m256 sums8(const float* c, const float* w) noexcept {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
  for (std::uint32_t k = 0; k < kTaps; k += 4) {
    a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_broadcast_ss(c + k), _mm256_loadu_ps(w + k)));
    a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_broadcast_ss(c + k + 1), _mm256_loadu_ps(w + k + 1)));
    a2 = _mm256_add_ps(a2, _mm256_mul_ps(_mm256_broadcast_ss(c + k + 2), _mm256_loadu_ps(w + k + 2)));
    a3 = _mm256_add_ps(a3, _mm256_mul_ps(_mm256_broadcast_ss(c + k + 3), _mm256_loadu_ps(w + k + 3)));
  }
  return _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3));
}

// The largest magnitude of phases 1 .. kFactor - 1 over frames 0 .. n - 1 (n a multiple of 8),
// frame f's window at x + f: chunkPeak()'s loop. A NaN never enters (MAXPS keeps its second
// operand), as in the SSE loop; a maximum does not depend on the order it is taken in.
template <std::uint32_t kTaps, std::uint32_t kFactor>
__attribute__((target("avx"))) float peak(const float (*coef)[kTaps], const float* x, std::uint32_t n) noexcept {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 m = _mm256_setzero_ps();
  for (std::uint32_t f = 0; f < n; f += 8)
    for (std::uint32_t p = 1; p < kFactor; ++p) m = _mm256_max_ps(_mm256_andnot_ps(sign, sums8<kTaps>(coef[p], x + f)), m);
  float lanes[8];
  _mm256_storeu_ps(lanes, m);
  float peak = 0.0f;
  for (float v : lanes) peak = v > peak ? v : peak;
  return peak;
}

// Phases 1 .. kFactor - 1 of frames 0 .. n - 1 (n a multiple of 8) of one channel, frame f's
// window at x + f: phase p of frame f goes to out[f * stride + p] (oversample()'s layout, out
// already offset to the channel).
template <std::uint32_t kTaps, std::uint32_t kFactor>
__attribute__((target("avx"))) void oversample(const float (*coef)[kTaps], const float* x, std::uint32_t n, std::uint32_t stride,
                                               float* out) noexcept {
  for (std::uint32_t f = 0; f < n; f += 8)
    for (std::uint32_t p = 1; p < kFactor; ++p) {
      float lanes[8];
      _mm256_storeu_ps(lanes, sums8<kTaps>(coef[p], x + f));
      for (std::uint32_t i = 0; i < 8; ++i) out[(f + i) * stride + p] = lanes[i];
    }
}
// The same sixteen frames per vector, for CPUs with AVX-512F: lane i is frame f + i again, with
// sums8()'s operations in its order (no FMA: the build turns contraction off), so the same bits.
template <std::uint32_t kTaps>
__attribute__((target("avx512f"))) inline __m512 sums16(const float* c, const float* w) noexcept {
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
  for (std::uint32_t k = 0; k < kTaps; k += 4) {
    a0 = _mm512_add_ps(a0, _mm512_mul_ps(_mm512_set1_ps(c[k]), _mm512_loadu_ps(w + k)));
    a1 = _mm512_add_ps(a1, _mm512_mul_ps(_mm512_set1_ps(c[k + 1]), _mm512_loadu_ps(w + k + 1)));
    a2 = _mm512_add_ps(a2, _mm512_mul_ps(_mm512_set1_ps(c[k + 2]), _mm512_loadu_ps(w + k + 2)));
    a3 = _mm512_add_ps(a3, _mm512_mul_ps(_mm512_set1_ps(c[k + 3]), _mm512_loadu_ps(w + k + 3)));
  }
  return _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3));
}

// peak() sixteen frames per vector over frames 0 .. n - 1 (n a multiple of 16).
template <std::uint32_t kTaps, std::uint32_t kFactor>
__attribute__((target("avx512f"))) float peak16(const float (*coef)[kTaps], const float* x, std::uint32_t n) noexcept {
  __m512 m = _mm512_setzero_ps();
  for (std::uint32_t f = 0; f < n; f += 16)
    for (std::uint32_t p = 1; p < kFactor; ++p) m = _mm512_maskz_max_ps(0xFFFF, _mm512_abs_ps(sums16<kTaps>(coef[p], x + f)), m);  // maskz: GCC 12 warns on the plain form
  float lanes[16];
  _mm512_storeu_ps(lanes, m);
  float peak = 0.0f;
  for (float v : lanes) peak = v > peak ? v : peak;
  return peak;
}

// oversample() sixteen frames per vector over frames 0 .. n - 1 (n a multiple of 16).
template <std::uint32_t kTaps, std::uint32_t kFactor>
__attribute__((target("avx512f"))) void oversample16(const float (*coef)[kTaps], const float* x, std::uint32_t n,
                                                     std::uint32_t stride, float* out) noexcept {
  for (std::uint32_t f = 0; f < n; f += 16)
    for (std::uint32_t p = 1; p < kFactor; ++p) {
      float lanes[16];
      _mm512_storeu_ps(lanes, sums16<kTaps>(coef[p], x + f));
      for (std::uint32_t i = 0; i < 16; ++i) out[(f + i) * stride + p] = lanes[i];
    }
}
#else
inline constexpr bool kAvailable = false;
template <std::uint32_t kTaps, std::uint32_t kFactor>
float peak(const float (*)[kTaps], const float*, std::uint32_t) noexcept {
  return 0.0f;
}
template <std::uint32_t kTaps, std::uint32_t kFactor>
void oversample(const float (*)[kTaps], const float*, std::uint32_t, std::uint32_t, float*) noexcept {}
template <std::uint32_t kTaps, std::uint32_t kFactor>
float peak16(const float (*)[kTaps], const float*, std::uint32_t) noexcept {
  return 0.0f;
}
template <std::uint32_t kTaps, std::uint32_t kFactor>
void oversample16(const float (*)[kTaps], const float*, std::uint32_t, std::uint32_t, float*) noexcept {}
#endif

}  // namespace ringmix::engine::true_peak_avx
