// F4: four floats in one SSE or NEON register, for the few loops the compiler leaves scalar:
// running maxima (GCC vectorises a max of floats only when it may ignore NaNs) next to sums, as
// the meters need, where a peak sits (equalMask, ifAtLeast, maxLanes), and the compressor's stereo (de)interleaving.
// D2: two doubles, for two channels' recursive filters run side by side (a recursion cannot be
// vectorised along time), the compressor's closed-form smoothing and the sine oscillator's lanes. Elsewhere plain loops vectorise on their own. Without
// SSE2 or NEON (AArch64 for D2), plain scalars. Real-time code: arithmetic only.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
#define RINGMIX_F4_SSE 1
#elif defined(__ARM_NEON) || defined(_M_ARM64)
#include <arm_neon.h>
#define RINGMIX_F4_NEON 1
#endif

namespace ringmix::engine::simd {

#if defined(RINGMIX_F4_SSE)
struct F4 {
  __m128 v;
  static F4 zero() noexcept { return {_mm_setzero_ps()}; }
  static F4 fill(float x) noexcept { return {_mm_set1_ps(x)}; }
  static F4 set(float a, float b, float c, float d) noexcept { return {_mm_setr_ps(a, b, c, d)}; }
  static F4 load(const float* p) noexcept { return {_mm_loadu_ps(p)}; }
  void store(float* p) const noexcept { _mm_storeu_ps(p, v); }
};
inline F4 operator+(F4 a, F4 b) noexcept { return {_mm_add_ps(a.v, b.v)}; }
inline F4 operator*(F4 a, F4 b) noexcept { return {_mm_mul_ps(a.v, b.v)}; }
inline F4 abs(F4 a) noexcept { return {_mm_andnot_ps(_mm_set1_ps(-0.0f), a.v)}; }
// x where x > running, else running: a NaN in x never enters (MAXPS returns its second operand
// when either is NaN).
inline F4 maxInto(F4 x, F4 running) noexcept { return {_mm_max_ps(x.v, running.v)}; }
// Bit j set where lane j of a equals lane j of b.
inline unsigned equalMask(F4 a, F4 b) noexcept { return static_cast<unsigned>(_mm_movemask_ps(_mm_cmpeq_ps(a.v, b.v))); }
// Per lane: v where a >= b, else 0 (a NaN compares false).
inline F4 ifAtLeast(F4 a, F4 b, F4 v) noexcept { return {_mm_and_ps(_mm_cmpge_ps(a.v, b.v), v.v)}; }
// The largest lane, of lanes without NaN (then any order gives the same result).
inline float maxLanes(F4 a) noexcept {
  const __m128 m = _mm_max_ps(a.v, _mm_movehl_ps(a.v, a.v));
  return _mm_cvtss_f32(_mm_max_ss(m, _mm_shuffle_ps(m, m, 1)));
}
// Four interleaved stereo frames at p: their left samples in `even`, their right ones in `odd`.
inline void deinterleave(const float* p, F4& even, F4& odd) noexcept {
  const __m128 a = _mm_loadu_ps(p), b = _mm_loadu_ps(p + 4);
  even.v = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
  odd.v = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
}
// Lanes (a, a, b, b) and (c, c, d, d) of (a, b, c, d): one gain per frame, spread over a stereo pair.
inline F4 dupLow(F4 x) noexcept { return {_mm_unpacklo_ps(x.v, x.v)}; }
inline F4 dupHigh(F4 x) noexcept { return {_mm_unpackhi_ps(x.v, x.v)}; }
// Lanes (a, a, c, c) and (b, b, d, d) of (a, b, c, d): each of two stereo frames' left, then
// right, sample on both lanes of its frame (a strip mixing a stereo input into a stereo bus).
inline F4 dupEven(F4 x) noexcept { return {_mm_shuffle_ps(x.v, x.v, _MM_SHUFFLE(2, 2, 0, 0))}; }
inline F4 dupOdd(F4 x) noexcept { return {_mm_shuffle_ps(x.v, x.v, _MM_SHUFFLE(3, 3, 1, 1))}; }
#elif defined(RINGMIX_F4_NEON)
struct F4 {
  float32x4_t v;
  static F4 zero() noexcept { return {vdupq_n_f32(0.0f)}; }
  static F4 fill(float x) noexcept { return {vdupq_n_f32(x)}; }
  static F4 set(float a, float b, float c, float d) noexcept {
    const float lanes[4] = {a, b, c, d};
    return {vld1q_f32(lanes)};
  }
  static F4 load(const float* p) noexcept { return {vld1q_f32(p)}; }
  void store(float* p) const noexcept { vst1q_f32(p, v); }
};
inline F4 operator+(F4 a, F4 b) noexcept { return {vaddq_f32(a.v, b.v)}; }
inline F4 operator*(F4 a, F4 b) noexcept { return {vmulq_f32(a.v, b.v)}; }
inline F4 abs(F4 a) noexcept { return {vabsq_f32(a.v)}; }
inline F4 maxInto(F4 x, F4 running) noexcept { return {vbslq_f32(vcgtq_f32(x.v, running.v), x.v, running.v)}; }
inline unsigned equalMask(F4 a, F4 b) noexcept {
  static const std::uint32_t kBits[4] = {1, 2, 4, 8};
  const uint32x4_t eq = vandq_u32(vceqq_f32(a.v, b.v), vld1q_u32(kBits));
  const uint32x2_t halves = vorr_u32(vget_low_u32(eq), vget_high_u32(eq));
  return vget_lane_u32(halves, 0) | vget_lane_u32(halves, 1);
}
inline F4 ifAtLeast(F4 a, F4 b, F4 v) noexcept { return {vbslq_f32(vcgeq_f32(a.v, b.v), v.v, vdupq_n_f32(0.0f))}; }
inline float maxLanes(F4 a) noexcept {
  float l[4];
  vst1q_f32(l, a.v);
  const float x = l[0] > l[1] ? l[0] : l[1], y = l[2] > l[3] ? l[2] : l[3];
  return x > y ? x : y;
}
inline void deinterleave(const float* p, F4& even, F4& odd) noexcept {
  const float32x4x2_t v = vld2q_f32(p);
  even.v = v.val[0];
  odd.v = v.val[1];
}
inline F4 dupLow(F4 x) noexcept { return {vzipq_f32(x.v, x.v).val[0]}; }
inline F4 dupHigh(F4 x) noexcept { return {vzipq_f32(x.v, x.v).val[1]}; }
inline F4 dupEven(F4 x) noexcept { return {vtrnq_f32(x.v, x.v).val[0]}; }
inline F4 dupOdd(F4 x) noexcept { return {vtrnq_f32(x.v, x.v).val[1]}; }
#else
struct F4 {
  float v[4];
  static F4 zero() noexcept { return {{0.0f, 0.0f, 0.0f, 0.0f}}; }
  static F4 fill(float x) noexcept { return {{x, x, x, x}}; }
  static F4 set(float a, float b, float c, float d) noexcept { return {{a, b, c, d}}; }
  static F4 load(const float* p) noexcept { return {{p[0], p[1], p[2], p[3]}}; }
  void store(float* p) const noexcept { p[0] = v[0], p[1] = v[1], p[2] = v[2], p[3] = v[3]; }
};
inline F4 operator+(F4 a, F4 b) noexcept { return {{a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3]}}; }
inline F4 operator*(F4 a, F4 b) noexcept { return {{a.v[0] * b.v[0], a.v[1] * b.v[1], a.v[2] * b.v[2], a.v[3] * b.v[3]}}; }
inline F4 abs(F4 a) noexcept { return {{std::fabs(a.v[0]), std::fabs(a.v[1]), std::fabs(a.v[2]), std::fabs(a.v[3])}}; }
inline F4 maxInto(F4 x, F4 r) noexcept {
  return {{x.v[0] > r.v[0] ? x.v[0] : r.v[0], x.v[1] > r.v[1] ? x.v[1] : r.v[1], x.v[2] > r.v[2] ? x.v[2] : r.v[2],
           x.v[3] > r.v[3] ? x.v[3] : r.v[3]}};
}
inline unsigned equalMask(F4 a, F4 b) noexcept {
  unsigned m = 0;
  for (unsigned j = 0; j < 4; ++j) m |= (a.v[j] == b.v[j] ? 1u : 0u) << j;
  return m;
}
inline F4 ifAtLeast(F4 a, F4 b, F4 v) noexcept {
  F4 r;
  for (unsigned j = 0; j < 4; ++j) r.v[j] = a.v[j] >= b.v[j] ? v.v[j] : 0.0f;
  return r;
}
inline float maxLanes(F4 a) noexcept {
  const float x = a.v[0] > a.v[1] ? a.v[0] : a.v[1], y = a.v[2] > a.v[3] ? a.v[2] : a.v[3];
  return x > y ? x : y;
}
inline void deinterleave(const float* p, F4& even, F4& odd) noexcept {
  even = {{p[0], p[2], p[4], p[6]}};
  odd = {{p[1], p[3], p[5], p[7]}};
}
inline F4 dupLow(F4 x) noexcept { return {{x.v[0], x.v[0], x.v[1], x.v[1]}}; }
inline F4 dupHigh(F4 x) noexcept { return {{x.v[2], x.v[2], x.v[3], x.v[3]}}; }
inline F4 dupEven(F4 x) noexcept { return {{x.v[0], x.v[0], x.v[2], x.v[2]}}; }
inline F4 dupOdd(F4 x) noexcept { return {{x.v[1], x.v[1], x.v[3], x.v[3]}}; }
#endif

#if defined(RINGMIX_F4_SSE)
struct D2 {
  __m128d v;
  static D2 fill(double x) noexcept { return {_mm_set1_pd(x)}; }
  static D2 set(double lane0, double lane1) noexcept { return {_mm_set_pd(lane1, lane0)}; }
  // Two consecutive floats, widened.
  static D2 widen(const float* p) noexcept { return {_mm_cvtps_pd(_mm_castpd_ps(_mm_load_sd(reinterpret_cast<const double*>(p))))}; }
  static D2 load(const double* p) noexcept { return {_mm_loadu_pd(p)}; }
  void store(double* p) const noexcept { _mm_storeu_pd(p, v); }
  double lane0() const noexcept { return _mm_cvtsd_f64(v); }
  double lane1() const noexcept { return _mm_cvtsd_f64(_mm_unpackhi_pd(v, v)); }
};
inline D2 operator+(D2 a, D2 b) noexcept { return {_mm_add_pd(a.v, b.v)}; }
inline D2 operator-(D2 a, D2 b) noexcept { return {_mm_sub_pd(a.v, b.v)}; }
inline D2 operator*(D2 a, D2 b) noexcept { return {_mm_mul_pd(a.v, b.v)}; }
// (a's lane 1, b's lane 0): where a and b hold consecutive pairs of samples, the pair between.
inline D2 straddle(D2 a, D2 b) noexcept { return {_mm_shuffle_pd(a.v, b.v, 1)}; }
// The two lanes rounded to float: at out[0..1] (C = 1), or each twice, out[0..3] = a a b b (C = 2:
// one sample on both channels of interleaved stereo).
template <unsigned C>
inline void storeAsFloats(D2 x, float* out) noexcept {
  const __m128 f = _mm_cvtpd_ps(x.v);
  if constexpr (C == 1) _mm_storel_pi(reinterpret_cast<__m64*>(out), f);
  else _mm_storeu_ps(out, _mm_unpacklo_ps(f, f));
}
#elif defined(RINGMIX_F4_NEON) && (defined(__aarch64__) || defined(_M_ARM64))
struct D2 {
  float64x2_t v;
  static D2 fill(double x) noexcept { return {vdupq_n_f64(x)}; }
  static D2 set(double lane0, double lane1) noexcept { return {vsetq_lane_f64(lane1, vdupq_n_f64(lane0), 1)}; }
  static D2 widen(const float* p) noexcept { return {vcvt_f64_f32(vld1_f32(p))}; }
  static D2 load(const double* p) noexcept { return {vld1q_f64(p)}; }
  void store(double* p) const noexcept { vst1q_f64(p, v); }
  double lane0() const noexcept { return vgetq_lane_f64(v, 0); }
  double lane1() const noexcept { return vgetq_lane_f64(v, 1); }
};
inline D2 operator+(D2 a, D2 b) noexcept { return {vaddq_f64(a.v, b.v)}; }
inline D2 operator-(D2 a, D2 b) noexcept { return {vsubq_f64(a.v, b.v)}; }
inline D2 operator*(D2 a, D2 b) noexcept { return {vmulq_f64(a.v, b.v)}; }
inline D2 straddle(D2 a, D2 b) noexcept { return {vextq_f64(a.v, b.v, 1)}; }
template <unsigned C>
inline void storeAsFloats(D2 x, float* out) noexcept {
  const float32x2_t f = vcvt_f32_f64(x.v);
  if constexpr (C == 1) vst1_f32(out, f);
  else {
    const float32x2x2_t z = vzip_f32(f, f);
    vst1q_f32(out, vcombine_f32(z.val[0], z.val[1]));
  }
}
#else
struct D2 {
  double v[2];
  static D2 fill(double x) noexcept { return {{x, x}}; }
  static D2 set(double lane0, double lane1) noexcept { return {{lane0, lane1}}; }
  static D2 widen(const float* p) noexcept { return {{p[0], p[1]}}; }
  static D2 load(const double* p) noexcept { return {{p[0], p[1]}}; }
  void store(double* p) const noexcept { p[0] = v[0], p[1] = v[1]; }
  double lane0() const noexcept { return v[0]; }
  double lane1() const noexcept { return v[1]; }
};
inline D2 operator+(D2 a, D2 b) noexcept { return {{a.v[0] + b.v[0], a.v[1] + b.v[1]}}; }
inline D2 operator-(D2 a, D2 b) noexcept { return {{a.v[0] - b.v[0], a.v[1] - b.v[1]}}; }
inline D2 operator*(D2 a, D2 b) noexcept { return {{a.v[0] * b.v[0], a.v[1] * b.v[1]}}; }
inline D2 straddle(D2 a, D2 b) noexcept { return {{a.v[1], b.v[0]}}; }
template <unsigned C>
inline void storeAsFloats(D2 x, float* out) noexcept {
  for (unsigned l = 0; l < 2; ++l)
    for (unsigned c = 0; c < C; ++c) out[l * C + c] = static_cast<float>(x.v[l]);
}
#endif

// The largest |x[i]| of n samples, or `running` if larger; a NaN never enters (as `a > m ? a : m`).
inline float maxAbs(const float* x, std::size_t n, float running) noexcept {
  F4 m = F4::fill(running);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) m = maxInto(abs(F4::load(x + i)), m);
  float lanes[4];
  m.store(lanes);
  float r = lanes[0];
  for (int j = 1; j < 4; ++j) r = lanes[j] > r ? lanes[j] : r;
  for (; i < n; ++i) {
    const float a = std::fabs(x[i]);
    r = a > r ? a : r;
  }
  return r;
}

}  // namespace ringmix::engine::simd
