// The fused mono loop (mono_fuse.hpp) eight frames per AVX vector, for CPUs with AVX: the
// prebuilt binaries are baseline x86-64 (SSE2), so this function alone is compiled for AVX and
// the caller picks it at run time. It is channel_strip_avx::mono() and peak_meter_avx::lanes()
// in one loop, each with its operations in its order on the same x (only "avx" enabled, no FMA to
// contract them into), so the bus and every lane are the same bits as those two functions', and
// as the SSE loop's. Besides, each lane's last group (counted from 1) whose |x| was at least that
// lane's running maximum: where its maximum last sits, without a second pass to find it.
//
// Elsewhere (AArch64/NEON, MSVC, 32-bit x86) kAvailable is false and the function is a stub that
// is never called. Real-time code: arithmetic only.
#pragma once

#include <cstddef>

#include "engine/realtime/dsp/cpu_avx.hpp"

#if defined(RINGMIX_AVX_KERNELS)
#include <immintrin.h>
#endif

namespace ringmix::engine::mono_fuse_avx {

#if defined(RINGMIX_AVX_KERNELS)
inline constexpr bool kAvailable = true;

// Over the whole groups of eight of io[0 .. n - 1]: x = io · g; bus + x · (left, right) per
// frame; into the eight lanes (starting at zero) |x| · w's maximum (m), |x|'s maximum (top), sum
// of squares (sq) and last group at the maximum (at, 0: none), the weights from w0 stepping by
// `step` (the next group's into w). Returns the frames done (n rounded down to a multiple of 8).
__attribute__((target("avx"))) inline std::size_t run(const float* __restrict io, float* __restrict bus, std::size_t n,
                                                      float g, float left, float right, const float* w0, float step,
                                                      float* m, float* top, float* sq, float* w, float* at) noexcept {
  const __m256 gv = _mm256_set1_ps(g), sign = _mm256_set1_ps(-0.0f), s = _mm256_set1_ps(step), one = _mm256_set1_ps(1.0f);
  const __m256 lr = _mm256_setr_ps(left, right, left, right, left, right, left, right);
  __m256 wv = _mm256_loadu_ps(w0), mv = _mm256_setzero_ps(), tv = _mm256_setzero_ps(), qv = _mm256_setzero_ps();
  __m256 kv = one, pv = _mm256_setzero_ps();
  std::size_t f = 0;
  for (; f + 8 <= n; f += 8) {
    const __m256 x = _mm256_mul_ps(_mm256_loadu_ps(io + f), gv);
    const __m256 lo = _mm256_unpacklo_ps(x, x), hi = _mm256_unpackhi_ps(x, x);
    const __m256 d0 = _mm256_permute2f128_ps(lo, hi, 0x20), d1 = _mm256_permute2f128_ps(lo, hi, 0x31);
    _mm256_storeu_ps(bus + 2 * f, _mm256_add_ps(_mm256_loadu_ps(bus + 2 * f), _mm256_mul_ps(d0, lr)));
    _mm256_storeu_ps(bus + 2 * f + 8, _mm256_add_ps(_mm256_loadu_ps(bus + 2 * f + 8), _mm256_mul_ps(d1, lr)));
    const __m256 a = _mm256_andnot_ps(sign, x);
    mv = _mm256_max_ps(_mm256_mul_ps(a, wv), mv);  // a NaN never enters
    pv = _mm256_max_ps(_mm256_and_ps(_mm256_cmp_ps(a, tv, _CMP_GE_OQ), kv), pv);  // groups count up
    tv = _mm256_max_ps(a, tv);
    qv = _mm256_add_ps(qv, _mm256_mul_ps(a, a));
    wv = _mm256_mul_ps(wv, s);
    kv = _mm256_add_ps(kv, one);
  }
  _mm256_storeu_ps(m, mv), _mm256_storeu_ps(top, tv), _mm256_storeu_ps(sq, qv), _mm256_storeu_ps(w, wv);
  _mm256_storeu_ps(at, pv);
  return f;
}
#else
inline constexpr bool kAvailable = false;
inline std::size_t run(const float*, float*, std::size_t, float, float, float, const float*, float, float*, float*, float*,
                       float*, float*) noexcept {
  return 0;
}
#endif

}  // namespace ringmix::engine::mono_fuse_avx
