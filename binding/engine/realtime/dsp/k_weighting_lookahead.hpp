// K-weighting's two biquads (k_weighting.hpp) in scattered look-ahead form, two frames per step.
//
// In direct form each output waits on the previous one (a multiply and a subtraction): the loop
// is bound by that latency. Multiplying a stage's numerator and denominator by D(-z) leaves
//   D(z) D(-z) = 1 + (2 a2 - a1^2) z^-2 + a2^2 z^-4,
// only even powers, so y[n] = (N(z) D(-z) x)[n] - c2 y[n-2] - c4 y[n-4]: even and odd samples
// are two independent recursions, and a vector holding frames (n, n + 1) computes both from the
// pair before. The poles are the squares of the original ones (radius a2 < 1: stable); the filter
// is the same, so no intermediate value grows beyond the direct form's. The cost: ~1.6 times the
// arithmetic, which pays where the direct form waited on latency (AVX: 4 lanes = 2 stereo frames;
// mono: 2 lanes = 2 frames), not in SSE2 stereo (see KWeighting::kSseLag).
// Measured against the direct form: sums differ by <= 4e-11 relative (a 20 Hz tone at 384 kHz,
// near the high-pass's poles; <= 3e-13 for white noise), and both are as far (~2e-10) from
// the designed filter computed in long double (kweighting_lookahead_test.cpp).
//
// Every frame, whichever lane or path computes it, does the same operations in the same order,
// and the history carries every value they read: a frame's output is the same bits however the
// audio was cut into calls, and on the mono, SSE2/NEON and AVX paths (k_weighting_avx.hpp).
// Real-time code: arithmetic only.
#pragma once

#include <cstddef>

#include "engine/realtime/dsp/simd.hpp"

namespace ringmix::engine::kweighting {

// One stage: w = N(z) in = b0 in + b1 in[n-1] + b2 in[n-2], then
// y = D(-z) w / (D(z) D(-z)) = (w + g1 w[n-1] + g2 w[n-2] - c4 y[n-4] - c2 y[n-2]), with
// g1 = -a1, g2 = a2, c2 = 2 a2 - a1^2, c4 = a2^2. The numerator stays the direct form's three
// taps (the high-pass's b0 (1, -2, 1): DC comes out exactly zero, which a rounded five-tap
// product of the two would not give) and D(-z) uses a1 and a2 as they are: only c2 and c4 are
// new roundings (KWeighting::lookAhead() rounds each once).
struct LookAheadStage {
  double b0, b1, b2, g1, g2, c2, c4;
};

// One channel's history, newest first, in one array (flushed as one): its inputs x[n-1], x[n-2];
// the first stage's w and outputs u (the second stage's inputs); the second stage's w and
// outputs v.
struct History {
  static constexpr int kX = 0, kW1 = 2, kU = 4, kW2 = 8, kV = 10, kSize = 14;
  double d[kSize];
  double* x() noexcept { return d + kX; }
  double* w1() noexcept { return d + kW1; }
  double* u() noexcept { return d + kU; }
  double* w2() noexcept { return d + kW2; }
  double* v() noexcept { return d + kV; }
};

// A stage's coefficients broadcast to T (double, simd::D2, or a pair type below).
template <class T>
struct Stage {
  T b0, b1, b2, g1, g2, c2, c4;
  template <class Fill>
  Stage(const LookAheadStage& s, Fill fill) noexcept
      : b0(fill(s.b0)), b1(fill(s.b1)), b2(fill(s.b2)), g1(fill(s.g1)), g2(fill(s.g2)), c2(fill(s.c2)), c4(fill(s.c4)) {}
};

// w[n] from the stage's inputs i0 = in[n], i1 = in[n-1], i2 = in[n-2].
template <class T>
inline T numerator(const Stage<T>& k, T i0, T i1, T i2) noexcept {
  return (k.b0 * i0 + k.b1 * i1) + k.b2 * i2;
}
// y[n] from w0 = w[n], w1, w2 and the outputs o2 = y[n-2], o4 = y[n-4]: the newest output
// last, so the recursion's latency is one multiply and one subtraction per two frames.
template <class T>
inline T recursion(const Stage<T>& k, T w0, T w1, T w2, T o2, T o4) noexcept {
  return (((w0 + k.g1 * w1) + k.g2 * w2) - k.c4 * o4) - k.c2 * o2;
}

// Interleaved stereo frames (n, n + 1) as (L, R) pairs, for the SSE2/NEON path.
struct StereoPair {
  simd::D2 lo, hi;
};
inline StereoPair operator+(StereoPair a, StereoPair b) noexcept { return {a.lo + b.lo, a.hi + b.hi}; }
inline StereoPair operator-(StereoPair a, StereoPair b) noexcept { return {a.lo - b.lo, a.hi - b.hi}; }
inline StereoPair operator*(StereoPair a, StereoPair b) noexcept { return {a.lo * b.lo, a.hi * b.hi}; }
inline StereoPair straddle(StereoPair a, StereoPair b) noexcept { return {a.hi, b.lo}; }

// A stage's history as pairs, p = (n-2, n-1) and pp = (n-4, n-3): its input's, its w's, its
// output's.
template <class P>
struct StageState {
  P ip, wp, op, opp;
};

// The stage's output pair for the input pair `in` (a straddle is the pair (n-1, n) between two).
template <class P>
inline P runStage(const Stage<P>& k, StageState<P>& s, P in) noexcept {
  const P w = numerator(k, in, straddle(s.ip, in), s.ip);
  const P y = recursion(k, w, straddle(s.wp, w), s.wp, s.op, s.opp);
  s.ip = in, s.wp = w, s.opp = s.op, s.op = y;
  return y;
}

// `pairs` pairs of frames, pair j from load(j); adds each frame's squared output into sum's lane.
// The second stage runs kLag pairs behind the first. In one chain each pair's ~25 dependent
// operations (loads, straddles, both FIRs, both recursions) waited in the scheduler until it was
// full before the recursions were: ~12 cycles per pair, not the 6 of the recursions (measured on
// Zen 5: lag 1 3.7 ns per pair, 2 3.2, 4 2.8; beyond 4 the registers run out).
template <std::size_t kLag, class P, class Load>
inline void runPairs(const Stage<P>& a, const Stage<P>& b, StageState<P>& s1, StageState<P>& s2, P& sum,
                     std::size_t pairs, Load load) noexcept {
  P u[kLag]{};  // the first stage's outputs the second has not taken yet, oldest first
  const std::size_t lead = pairs < kLag ? pairs : kLag;
  for (std::size_t j = 0; j < lead; ++j) u[j] = runStage(a, s1, load(j));
  for (std::size_t j = lead; j < pairs; ++j) {
    const P v = runStage(b, s2, u[0]);
    sum = sum + v * v;
    for (std::size_t k = 0; k + 1 < kLag; ++k) u[k] = u[k + 1];
    u[kLag - 1] = runStage(a, s1, load(j));
  }
  for (std::size_t j = 0; j < lead; ++j) {
    const P v = runStage(b, s2, u[j]);
    sum = sum + v * v;
  }
}

// One frame from the history (arrays newest first, shifted here): returns its output.
template <class H>
inline H runFrame(const Stage<H>& a, const Stage<H>& b, H in, H* x, H* w1, H* u, H* w2, H* v) noexcept {
  const H w1n = numerator(a, in, x[0], x[1]);
  const H u0 = recursion(a, w1n, w1[0], w1[1], u[1], u[3]);
  const H w2n = numerator(b, u0, u[0], u[1]);
  const H v0 = recursion(b, w2n, w2[0], w2[1], v[1], v[3]);
  for (int k = 3; k > 0; --k) u[k] = u[k - 1], v[k] = v[k - 1];
  x[1] = x[0], w1[1] = w1[0], w2[1] = w2[0];
  x[0] = in, w1[0] = w1n, u[0] = u0, w2[0] = w2n, v[0] = v0;
  return v0;
}

}  // namespace ringmix::engine::kweighting
