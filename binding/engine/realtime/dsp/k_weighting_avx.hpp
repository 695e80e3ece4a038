// The stereo look-ahead K-weighting loop (k_weighting_lookahead.hpp, runPairs()) with a pair of
// interleaved stereo frames in one AVX vector, (L[n], R[n], L[n+1], R[n+1]), for CPUs with AVX:
// the prebuilt binaries are baseline x86-64 (SSE2), so this function alone is compiled for AVX
// and KWeighting picks it at run time (setVectorWidth()). A template cannot be shared with the
// SSE2 path (clang refuses AVX intrinsics in a function not itself compiled for AVX), so this
// repeats runPairs(), runStage(), numerator() and recursion(): each lane does their operations in
// their order, and with "avx" but not "fma" the compiler has no fused multiply-add to contract
// them into: the same bits.
//
// Elsewhere (AArch64/NEON, MSVC, 32-bit x86) kAvailable is false and the function is a stub that
// is never called. Real-time code: arithmetic only.
#pragma once

#include <cstddef>

#include "engine/realtime/dsp/cpu_avx.hpp"
#include "engine/realtime/dsp/k_weighting_lookahead.hpp"

#if defined(RINGMIX_AVX_KERNELS)
#include <immintrin.h>
#endif

namespace ringmix::engine::kweighting_avx {

using kweighting::History;
using kweighting::LookAheadStage;

#if defined(RINGMIX_AVX_KERNELS)
inline constexpr bool kAvailable = true;

#define RINGMIX_KW_AVX __attribute__((target("avx"), always_inline)) inline

struct Stage4 {
  __m256d b0, b1, b2, g1, g2, c2, c4;
};
RINGMIX_KW_AVX Stage4 broadcast(const LookAheadStage& s) noexcept {
  return {_mm256_set1_pd(s.b0), _mm256_set1_pd(s.b1), _mm256_set1_pd(s.b2), _mm256_set1_pd(s.g1),
          _mm256_set1_pd(s.g2), _mm256_set1_pd(s.c2), _mm256_set1_pd(s.c4)};
}
// kweighting::numerator() and recursion().
RINGMIX_KW_AVX __m256d numerator(const Stage4& k, __m256d i0, __m256d i1, __m256d i2) noexcept {
  return _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(k.b0, i0), _mm256_mul_pd(k.b1, i1)), _mm256_mul_pd(k.b2, i2));
}
RINGMIX_KW_AVX __m256d recursion(const Stage4& k, __m256d w0, __m256d w1, __m256d w2, __m256d o2, __m256d o4) noexcept {
  const __m256d f = _mm256_add_pd(_mm256_add_pd(w0, _mm256_mul_pd(k.g1, w1)), _mm256_mul_pd(k.g2, w2));
  return _mm256_sub_pd(_mm256_sub_pd(f, _mm256_mul_pd(k.c4, o4)), _mm256_mul_pd(k.c2, o2));
}
// (a's upper frame, b's lower frame): kweighting::straddle().
RINGMIX_KW_AVX __m256d straddle(__m256d a, __m256d b) noexcept { return _mm256_permute2f128_pd(a, b, 0x21); }
// History entries (n-2-i, n-1-i) of l and r as a pair, and back.
RINGMIX_KW_AVX __m256d pair(const double* l, const double* r, int i) noexcept {
  return _mm256_setr_pd(l[i + 1], r[i + 1], l[i], r[i]);
}
RINGMIX_KW_AVX void unpair(__m256d p, double* l, double* r, int i) noexcept {
  alignas(32) double t[4];
  _mm256_store_pd(t, p);
  l[i + 1] = t[0], r[i + 1] = t[1], l[i] = t[2], r[i] = t[3];
}

struct State4 {
  __m256d ip, wp, op, opp;
};
// kweighting::runStage().
RINGMIX_KW_AVX __m256d runStage(const Stage4& k, State4& s, __m256d in) noexcept {
  const __m256d w = numerator(k, in, straddle(s.ip, in), s.ip);
  const __m256d y = recursion(k, w, straddle(s.wp, w), s.wp, s.op, s.opp);
  s.ip = in, s.wp = w, s.opp = s.op, s.op = y;
  return y;
}
RINGMIX_KW_AVX __m256d load(const float* x, std::size_t j) noexcept { return _mm256_cvtps_pd(_mm_loadu_ps(x + 4 * j)); }

// `pairs` pairs of interleaved stereo frames from x, continuing l's and r's histories (updated
// here, not flushed), the second stage four pairs behind the first as in kweighting::runPairs().
// sums = each lane's sum of squared outputs: L even, R even, L odd, R odd.
__attribute__((target("avx"))) inline void runPairs(const LookAheadStage& sa, const LookAheadStage& sb, History& l,
                                                    History& r, const float* x, std::size_t pairs,
                                                    double* sums) noexcept {
  const Stage4 a = broadcast(sa), b = broadcast(sb);
  State4 s1{pair(l.x(), r.x(), 0), pair(l.w1(), r.w1(), 0), pair(l.u(), r.u(), 0), pair(l.u(), r.u(), 2)};
  State4 s2{pair(l.u(), r.u(), 0), pair(l.w2(), r.w2(), 0), pair(l.v(), r.v(), 0), pair(l.v(), r.v(), 2)};
  __m256d sum = _mm256_setzero_pd();
  constexpr std::size_t kLag = 4;
  __m256d u[kLag]{};
  const std::size_t lead = pairs < kLag ? pairs : kLag;
  for (std::size_t j = 0; j < lead; ++j) u[j] = runStage(a, s1, load(x, j));
  for (std::size_t j = lead; j < pairs; ++j) {
    const __m256d v = runStage(b, s2, u[0]);
    sum = _mm256_add_pd(sum, _mm256_mul_pd(v, v));
    for (std::size_t k = 0; k + 1 < kLag; ++k) u[k] = u[k + 1];
    u[kLag - 1] = runStage(a, s1, load(x, j));
  }
  for (std::size_t j = 0; j < lead; ++j) {
    const __m256d v = runStage(b, s2, u[j]);
    sum = _mm256_add_pd(sum, _mm256_mul_pd(v, v));
  }
  unpair(s1.ip, l.x(), r.x(), 0), unpair(s1.wp, l.w1(), r.w1(), 0), unpair(s1.op, l.u(), r.u(), 0);
  unpair(s1.opp, l.u(), r.u(), 2), unpair(s2.wp, l.w2(), r.w2(), 0), unpair(s2.op, l.v(), r.v(), 0);
  unpair(s2.opp, l.v(), r.v(), 2);
  _mm256_storeu_pd(sums, sum);
}

#undef RINGMIX_KW_AVX
#else
inline constexpr bool kAvailable = false;
inline void runPairs(const LookAheadStage&, const LookAheadStage&, History&, History&, const float*, std::size_t,
                     double*) noexcept {}
#endif

}  // namespace ringmix::engine::kweighting_avx
