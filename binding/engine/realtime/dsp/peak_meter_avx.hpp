// PeakProgrammeMeter's lane loop (peak_meter.hpp, addBlock()) with its eight lanes in one AVX
// vector, for CPUs with AVX: the prebuilt binaries are baseline x86-64 (SSE2), so this function
// alone is compiled for AVX and the meter picks it at run time (PeakProgrammeMeter::
// setVectorWidth()). The SSE loop holds the eight lanes in two F4s and, with two-operand
// instructions, spends most of its 29 instructions per eight samples on register copies.
//
// Lane j is sample j of each group of eight, as in the SSE loop (its two F4s side by side), and
// each lane does that loop's operations in its order: abs, a · w, max into m (the product first:
// MAXPS returns its second operand when either is NaN, so a NaN never enters), max into top,
// sq + a · a, w · step. Only "avx" is enabled, not "fma", so the compiler has no fused multiply-add
// to contract them into: m, top, sq and the weights are the same bits either way.
//
// Elsewhere (AArch64/NEON, MSVC, 32-bit x86) kAvailable is false and the function is a stub that
// is never called. Real-time code: arithmetic only.
#pragma once

#include <cstddef>

#include "engine/realtime/dsp/cpu_avx.hpp"

#if defined(RINGMIX_AVX_KERNELS)
#include <immintrin.h>
#endif

namespace ringmix::engine::peak_meter_avx {

#if defined(RINGMIX_AVX_KERNELS)
inline constexpr bool kAvailable = true;

// Over the whole groups of eight of x[0 .. n - 1], from the weights w0 (eight lanes) stepping by
// `step`: each lane's weighted maximum into m, maximum into top, sum of squares into sq (all eight
// starting at zero), and the weights for the next group into w. Returns the samples read (n
// rounded down to a multiple of eight). (w0 is the meter's own, written long before: a copy
// written just before would be read back by one 32-byte load, which no store forwards to.)
__attribute__((target("avx"))) inline std::size_t lanes(const float* x, std::size_t n, const float* w0, float step,
                                                        float* m, float* top, float* sq, float* w) noexcept {
  const __m256 sign = _mm256_set1_ps(-0.0f), s = _mm256_set1_ps(step);
  __m256 wv = _mm256_loadu_ps(w0), mv = _mm256_setzero_ps(), tv = _mm256_setzero_ps(), qv = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 a = _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i));
    mv = _mm256_max_ps(_mm256_mul_ps(a, wv), mv);  // a NaN never enters
    tv = _mm256_max_ps(a, tv);
    qv = _mm256_add_ps(qv, _mm256_mul_ps(a, a));
    wv = _mm256_mul_ps(wv, s);
  }
  _mm256_storeu_ps(m, mv), _mm256_storeu_ps(top, tv), _mm256_storeu_ps(sq, qv), _mm256_storeu_ps(w, wv);
  return i;
}
#else
inline constexpr bool kAvailable = false;
inline std::size_t lanes(const float*, std::size_t, const float*, float, float*, float*, float*, float*) noexcept {
  return 0;
}
#endif

}  // namespace ringmix::engine::peak_meter_avx
