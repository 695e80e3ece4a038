// SineOscillator's recurrence step (sine_oscillator.hpp) for CPUs with AVX, eight of its sixteen
// lanes a call in two four-double vectors, or all sixteen in two eight-double vectors with
// AVX-512: the prebuilt binaries are baseline x86-64 (SSE2), so these functions alone are
// compiled for AVX (AVX-512F) and the oscillator picks one at run time (SineOscillator::useAvx(),
// useAvx512()). AVX's three-operand form also drops the register copies SSE2's two-operand one
// needs to keep a lane's sample and the one before it: ~12.5 instructions per eight lanes' step,
// SSE2's ~26.5, AVX-512's ~5.
//
// Each lane does exactly the SSE2 step's operations in its order: n = k·c, then n - p, then the
// conversion to float (VCVTPD2PS, the same rounding as CVTPD2PS). No fused multiply-add: "avx"
// has none, and the build turns contraction off (-ffp-contract=off) for AVX-512F, which has: the
// samples and the lanes' state are the same bits whichever path ran, so they can alternate.
//
// Elsewhere (AArch64/NEON, MSVC, 32-bit x86) kAvailable is false and the function is a stub that
// is never called. Real-time code: arithmetic only. Whether the CPU has AVX: simd::kCpuHasAvx.
#pragma once

#include <cstdint>

#include "engine/realtime/dsp/cpu_avx.hpp"

#if defined(RINGMIX_AVX_KERNELS)
#include <immintrin.h>
#endif

namespace ringmix::engine::sine_oscillator_avx {

#if defined(RINGMIX_AVX_KERNELS)
inline constexpr bool kAvailable = true;

// One group's samples (lanes 0-3 in a, 4-7 in b) rounded to float into out: C = 1, eight
// floats; C = 2, each twice (interleaved stereo).
template <unsigned C>
__attribute__((target("avx"))) inline void store(__m256d a, __m256d b, float* out) noexcept {
  const __m128 f0 = _mm256_cvtpd_ps(a), f1 = _mm256_cvtpd_ps(b);
  if constexpr (C == 1) {
    _mm256_storeu_ps(out, _mm256_insertf128_ps(_mm256_castps128_ps256(f0), f1, 1));
  } else {
    const __m128 a0 = _mm_unpacklo_ps(f0, f0), a1 = _mm_unpackhi_ps(f0, f0);
    const __m128 b0 = _mm_unpacklo_ps(f1, f1), b1 = _mm_unpackhi_ps(f1, f1);
    _mm256_storeu_ps(out, _mm256_insertf128_ps(_mm256_castps128_ps256(a0), a1, 1));
    _mm256_storeu_ps(out + 8, _mm256_insertf128_ps(_mm256_castps128_ps256(b0), b1, 1));
  }
}

// Eight lanes' samples (cur[0..7]) and the samples a group earlier (prev[0..7]) step `groups`
// groups on by s' = k·s - p, each group's eight samples (before its step) into out (store()),
// groups `stride` floats apart. With `tail`, one more group's eight go to tail[0..7] (mono
// whatever C: the part of a group a render() leaves waiting), the lanes stepping past it too.
template <unsigned C>
__attribute__((target("avx"))) void step(double k, double* cur, double* prev, float* out, std::uint32_t groups,
                                         float* tail, std::uint32_t stride) noexcept {
  const __m256d kk = _mm256_set1_pd(k);
  __m256d c0 = _mm256_loadu_pd(cur), c1 = _mm256_loadu_pd(cur + 4);
  __m256d p0 = _mm256_loadu_pd(prev), p1 = _mm256_loadu_pd(prev + 4);
  std::uint32_t g = 0;
  // Two groups a turn, the new samples written over the ones two groups back (c and p swap roles
  // and swap back): no register copies.
  for (; g + 2 <= groups; g += 2, out += 2 * stride) {
    store<C>(c0, c1, out);
    p0 = _mm256_sub_pd(_mm256_mul_pd(kk, c0), p0), p1 = _mm256_sub_pd(_mm256_mul_pd(kk, c1), p1);
    store<C>(p0, p1, out + stride);
    c0 = _mm256_sub_pd(_mm256_mul_pd(kk, p0), c0), c1 = _mm256_sub_pd(_mm256_mul_pd(kk, p1), c1);
  }
  for (std::uint32_t last = (groups - g) + (tail ? 1 : 0); last > 0; --last) {  // 0, 1 or 2 more
    if (g < groups) store<C>(c0, c1, out), ++g, out += stride;
    else store<1>(c0, c1, tail);
    const __m256d n0 = _mm256_sub_pd(_mm256_mul_pd(kk, c0), p0), n1 = _mm256_sub_pd(_mm256_mul_pd(kk, c1), p1);
    p0 = c0, p1 = c1;
    c0 = n0, c1 = n1;
  }
  _mm256_storeu_pd(cur, c0), _mm256_storeu_pd(cur + 4, c1);
  _mm256_storeu_pd(prev, p0), _mm256_storeu_pd(prev + 4, p1);
}
// The same with AVX-512: all sixteen lanes, eight per vector, a group at a time (where 512-bit
// arithmetic is one operation, as on AMD Zen 5, a quarter of AVX's instructions per sample).
// (maskz_cvtpd_ps: the plain form's undefined upper half trips GCC 12's uninitialised warning.)
template <unsigned C>
__attribute__((target("avx512f"))) inline void store8(__m512d a, float* out) noexcept {
  const __m256 f = _mm512_maskz_cvtpd_ps(0xFF, a);
  if constexpr (C == 1) {
    _mm256_storeu_ps(out, f);
  } else {
    const __m256 lo = _mm256_unpacklo_ps(f, f), hi = _mm256_unpackhi_ps(f, f);  // frames 0 1 | 4 5, 2 3 | 6 7
    _mm256_storeu_ps(out, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(out + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
  }
}

template <unsigned C>
__attribute__((target("avx512f"))) void step512(double k, double* cur, double* prev, float* out, std::uint32_t groups,
                                                float* tail) noexcept {
  const __m512d kk = _mm512_set1_pd(k);
  // Lanes 0-7 and 8-15: two chains side by side, each step a multiply and a subtraction on the
  // previous step's result (the loop's latency, not its arithmetic, sets its pace).
  __m512d c0 = _mm512_loadu_pd(cur), c1 = _mm512_loadu_pd(cur + 8);
  __m512d p0 = _mm512_loadu_pd(prev), p1 = _mm512_loadu_pd(prev + 8);
  std::uint32_t g = 0;
  for (; g + 2 <= groups; g += 2, out += 32 * C) {  // as step(): c and p swap roles and back
    store8<C>(c0, out), store8<C>(c1, out + 8 * C);
    p0 = _mm512_sub_pd(_mm512_mul_pd(kk, c0), p0), p1 = _mm512_sub_pd(_mm512_mul_pd(kk, c1), p1);
    store8<C>(p0, out + 16 * C), store8<C>(p1, out + 24 * C);
    c0 = _mm512_sub_pd(_mm512_mul_pd(kk, p0), c0), c1 = _mm512_sub_pd(_mm512_mul_pd(kk, p1), c1);
  }
  for (std::uint32_t last = (groups - g) + (tail ? 1 : 0); last > 0; --last) {  // 0, 1 or 2 more
    if (g < groups) store8<C>(c0, out), store8<C>(c1, out + 8 * C), ++g, out += 16 * C;
    else store8<1>(c0, tail), store8<1>(c1, tail + 8);
    const __m512d n0 = _mm512_sub_pd(_mm512_mul_pd(kk, c0), p0), n1 = _mm512_sub_pd(_mm512_mul_pd(kk, c1), p1);
    p0 = c0, p1 = c1;
    c0 = n0, c1 = n1;
  }
  _mm512_storeu_pd(cur, c0), _mm512_storeu_pd(cur + 8, c1);
  _mm512_storeu_pd(prev, p0), _mm512_storeu_pd(prev + 8, p1);
}
#else
inline constexpr bool kAvailable = false;
template <unsigned C>
void step(double, double*, double*, float*, std::uint32_t, float*, std::uint32_t) noexcept {}
template <unsigned C>
void step512(double, double*, double*, float*, std::uint32_t, float*) noexcept {}
#endif

}  // namespace ringmix::engine::sine_oscillator_avx
