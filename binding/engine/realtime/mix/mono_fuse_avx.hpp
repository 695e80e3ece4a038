// The fused mono loop (mono_fuse.hpp) eight frames per AVX vector, for CPUs with AVX, or sixteen
// per AVX-512 vector: the prebuilt binaries are baseline x86-64 (SSE2), so these functions alone
// are compiled for AVX (AVX-512F) and the caller picks one at run time. run() is
// channel_strip_avx::mono() and peak_meter_avx::lanes() in one loop, each with its operations in
// its order on the same x (no FMA to contract them into: "avx" has none, and the build turns
// contraction off for AVX-512F), so the bus and every lane are the same bits as those two
// functions', and as the SSE loop's. Besides, each lane's last group (counted from 1) whose |x|
// was at least that lane's running maximum: where its maximum last sits, without a second pass.
//
// Elsewhere (AArch64/NEON, MSVC, 32-bit x86) kAvailable is false and the functions are stubs
// that are never called. Real-time code: arithmetic only.
#pragma once

#include <cstddef>

#include "engine/realtime/dsp/cpu_avx.hpp"

#if defined(RINGMIX_AVX_KERNELS)
#include <immintrin.h>
#endif

namespace ringmix::engine::mono_fuse_avx {

#if defined(RINGMIX_AVX_KERNELS)
inline constexpr bool kAvailable = true;

// The eight lanes between groups: weights, maxima of |x| · w and |x|, sums of squares, the next
// group's number and each lane's last group at its maximum.
struct State {
  __m256 w, m, t, q, k, p;
};

// One group of eight frames (io[0..7], bus[0..15]) into st.
__attribute__((target("avx"), always_inline)) inline void group(const float* __restrict io, float* __restrict bus,
                                                                 __m256 gv, __m256 lr, __m256 s, State& st) noexcept {
  const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
  const __m256 x = _mm256_mul_ps(_mm256_loadu_ps(io), gv);
  const __m256 lo = _mm256_unpacklo_ps(x, x), hi = _mm256_unpackhi_ps(x, x);
  const __m256 d0 = _mm256_permute2f128_ps(lo, hi, 0x20), d1 = _mm256_permute2f128_ps(lo, hi, 0x31);
  _mm256_storeu_ps(bus, _mm256_add_ps(_mm256_loadu_ps(bus), _mm256_mul_ps(d0, lr)));
  _mm256_storeu_ps(bus + 8, _mm256_add_ps(_mm256_loadu_ps(bus + 8), _mm256_mul_ps(d1, lr)));
  const __m256 a = _mm256_andnot_ps(sign, x);
  st.m = _mm256_max_ps(_mm256_mul_ps(a, st.w), st.m);  // a NaN never enters
  st.p = _mm256_max_ps(_mm256_and_ps(_mm256_cmp_ps(a, st.t, _CMP_GE_OQ), st.k), st.p);  // groups count up
  st.t = _mm256_max_ps(a, st.t);
  st.q = _mm256_add_ps(st.q, _mm256_mul_ps(a, a));
  st.w = _mm256_mul_ps(st.w, s);
  st.k = _mm256_add_ps(st.k, one);
}

__attribute__((target("avx"))) inline void store(const State& st, float* m, float* top, float* sq, float* w,
                                                 float* at) noexcept {
  _mm256_storeu_ps(m, st.m), _mm256_storeu_ps(top, st.t), _mm256_storeu_ps(sq, st.q), _mm256_storeu_ps(w, st.w);
  _mm256_storeu_ps(at, st.p);
}

// Over the whole groups of eight of io[0 .. n - 1]: x = io · g; bus + x · (left, right) per
// frame; into the eight lanes (starting at zero) |x| · w's maximum (m), |x|'s maximum (top), sum
// of squares (sq) and last group at the maximum (at, 0: none), the weights from w0 stepping by
// `step` (the next group's into w). Returns the frames done (n rounded down to a multiple of 8).
__attribute__((target("avx"))) inline std::size_t run(const float* __restrict io, float* __restrict bus, std::size_t n,
                                                      float g, float left, float right, const float* w0, float step,
                                                      float* m, float* top, float* sq, float* w, float* at) noexcept {
  const __m256 gv = _mm256_set1_ps(g), s = _mm256_set1_ps(step);
  const __m256 lr = _mm256_setr_ps(left, right, left, right, left, right, left, right);
  State st{_mm256_loadu_ps(w0), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_set1_ps(1.0f),
           _mm256_setzero_ps()};
  std::size_t f = 0;
  for (; f + 8 <= n; f += 8) group(io + f, bus + 2 * f, gv, lr, s, st);
  store(st, m, top, sq, w, at);
  return f;
}

// AVX-512F alone has no 256-bit extract or insert of floats: the double ones move the same bits.
// The zero-masked forms (all lanes kept) where GCC 12 warns of the plain ones' undefined source.
inline constexpr __mmask16 kAll = 0xFFFF;
__attribute__((target("avx512f"), always_inline)) inline __m256 low(__m512 v) noexcept {
  return _mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xF, _mm512_castps_pd(v), 0));
}
__attribute__((target("avx512f"), always_inline)) inline __m256 high(__m512 v) noexcept {
  return _mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xF, _mm512_castps_pd(v), 1));
}
__attribute__((target("avx512f"), always_inline)) inline __m512 join(__m256 lo, __m256 hi) noexcept {
  const __m512d both = _mm512_maskz_broadcast_f64x4(0xFF, _mm256_castps_pd(lo));  // setup only
  return _mm512_castpd_ps(_mm512_maskz_insertf64x4(0xFF, both, _mm256_castps_pd(hi), 1));
}

// run() two groups per AVX-512 vector: the low half holds the even groups, the high half the odd
// ones, the same operations per element. The weights go as the pair [w_g, w_g+1], each half
// stepped twice a turn: the sequential chain's products exactly. The maxima (and |x|'s) are
// order-free, so each half keeps its own and they meet at the end; a lane's last group at its
// maximum is then the half's with the higher top, or on a tie the later. The sums of squares stay
// one sequential chain per lane (the even group's square, then the odd's). An odd group left over
// runs as in run().
__attribute__((target("avx512f"))) inline std::size_t run512(const float* __restrict io, float* __restrict bus,
                                                            std::size_t n, float g, float left, float right,
                                                            const float* w0, float step, float* m, float* top,
                                                            float* sq, float* w, float* at) noexcept {
  const __m512 gv = _mm512_set1_ps(g), s = _mm512_set1_ps(step), two = _mm512_set1_ps(2.0f);
  const __m512 lr = _mm512_setr_ps(left, right, left, right, left, right, left, right, left, right, left, right, left,
                                   right, left, right);
  // x's frames each twice: 0 0 1 1 .. 7 7, then 8 8 .. 15 15 (one permute per 16 bus floats;
  // faster here than two AVX interleaves of the halves).
  const __m512i d0i = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
  const __m512i d1i = _mm512_setr_epi32(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
  const __m256 w0v = _mm256_loadu_ps(w0);
  __m512 wv = join(w0v, _mm256_mul_ps(w0v, _mm256_set1_ps(step)));  // w_1 = w_0 · step, as the chain makes it
  __m512 mv = _mm512_setzero_ps(), tv = _mm512_setzero_ps(), pv = _mm512_setzero_ps();
  __m512 kv = join(_mm256_set1_ps(1.0f), _mm256_set1_ps(2.0f));
  __m256 qv = _mm256_setzero_ps();
  std::size_t f = 0;
  for (; f + 16 <= n; f += 16) {
    const __m512 x = _mm512_mul_ps(_mm512_loadu_ps(io + f), gv);
    float* const b = bus + 2 * f;
    const __m512 d0 = _mm512_maskz_permutexvar_ps(kAll, d0i, x), d1 = _mm512_maskz_permutexvar_ps(kAll, d1i, x);
    _mm512_storeu_ps(b, _mm512_add_ps(_mm512_loadu_ps(b), _mm512_mul_ps(d0, lr)));
    _mm512_storeu_ps(b + 16, _mm512_add_ps(_mm512_loadu_ps(b + 16), _mm512_mul_ps(d1, lr)));
    const __m512 a = _mm512_abs_ps(x);
    mv = _mm512_maskz_max_ps(kAll, _mm512_mul_ps(a, wv), mv);  // a NaN never enters
    // The last group at the maximum: kv only grows, so max(k & (a >= t), p) is a masked move.
    pv = _mm512_mask_mov_ps(pv, _mm512_cmp_ps_mask(a, tv, _CMP_GE_OQ), kv);
    tv = _mm512_maskz_max_ps(kAll, a, tv);
    const __m512 a2 = _mm512_mul_ps(a, a);
    qv = _mm256_add_ps(qv, low(a2));
    qv = _mm256_add_ps(qv, high(a2));
    wv = _mm512_mul_ps(_mm512_mul_ps(wv, s), s);
    kv = _mm512_add_ps(kv, two);
  }
  const __m256 tl = low(tv), th = high(tv), pl = low(pv), ph = high(pv);
  // Where a half's top is the higher (or equal), its last group; the later of the two on a tie.
  const __m256 p = _mm256_max_ps(_mm256_and_ps(_mm256_cmp_ps(tl, th, _CMP_GE_OQ), pl),
                                 _mm256_and_ps(_mm256_cmp_ps(th, tl, _CMP_GE_OQ), ph));
  // The state after the even group count: the low half's weights and next group number.
  State st{low(wv), _mm256_max_ps(low(mv), high(mv)), _mm256_max_ps(tl, th), qv, low(kv), p};
  if (f + 8 <= n) group(io + f, bus + 2 * f, low(gv), low(lr), low(s), st), f += 8;
  store(st, m, top, sq, w, at);
  return f;
}
#else
inline constexpr bool kAvailable = false;
inline std::size_t run(const float*, float*, std::size_t, float, float, float, const float*, float, float*, float*, float*,
                       float*, float*) noexcept {
  return 0;
}
inline std::size_t run512(const float*, float*, std::size_t, float, float, float, const float*, float, float*, float*,
                          float*, float*, float*) noexcept {
  return 0;
}
#endif

}  // namespace ringmix::engine::mono_fuse_avx
