// K-weighting (ITU-R BS.1770-4, section 2.1): a high-frequency shelf (+4 dB above ~1.7 kHz, the
// head's acoustic effect) followed by the "RLB" high-pass (~38 Hz), each a biquad.
//
// The standard gives both biquads at 48 kHz only. At any other rate we use the same analogue
// filters: a biquad made by the bilinear transform pre-warped at its centre frequency f0 is
//   H(S) = (b2 S^2 + b1 S + b0) / (S^2 + S/Q + 1),   S = s / (2 pi f0),
// and those five numbers come back out of the published 48 kHz coefficients exactly (evaluate the
// digital filter at z = 1 and z = -1, and compare the z^2 and z^0 terms; see fromDigital()). Then
// the filter is rebuilt at the new rate with K = tan(pi f0 / fs). At 48 kHz this returns the
// published coefficients (to rounding), and at every rate the shelf and the high-pass keep their
// frequency, Q and gains: the response matches 48 kHz's to within ~0.01 dB over the band both
// rates share (tested), up to where the bilinear transform's warping compresses the response near
// Nyquist (at 8 kHz the shelf's top, ~3 kHz up, is squeezed under 4 kHz).
//
// The filter runs in double: at 384 kHz the high-pass's poles sit 3e-4 from the unit circle,
// where float coefficients would move its corner audibly. It runs in look-ahead form, two frames
// per step (k_weighting_lookahead.hpp). Real-time code: arithmetic only.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "engine/realtime/dsp/cpu_avx.hpp"
#include "engine/realtime/dsp/k_weighting_avx.hpp"
#include "engine/realtime/dsp/k_weighting_lookahead.hpp"
#include "engine/realtime/dsp/kaiser.hpp"
#include "engine/realtime/dsp/simd.hpp"

namespace ringmix::engine {

// y = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2) x
struct BiquadCoefficients {
  double b0, b1, b2, a1, a2;
};

// An analogue second-order section, normalised to its pre-warping frequency f0.
struct AnalogBiquad {
  double f0;          // Hz
  double q;           // of the poles
  double hf, mid, dc; // numerator: hf S^2 + mid S + dc

  // Reads the analogue section out of a biquad designed at sampleRate by the pre-warped bilinear
  // transform. With the poles' K = tan(pi f0 / fs) and Q: the denominator at z = 1 and z = -1
  // gives K^2 = (1 + a1 + a2) / (1 - a1 + a2), and its z^2 - z^0 terms give K / Q; the
  // numerator at z = -1, at z = 1, and its z^2 - z^0 terms give hf, dc and mid.
  static AnalogBiquad fromDigital(const BiquadCoefficients& d, double sampleRate) noexcept {
    const double atDc = 1.0 + d.a1 + d.a2;     // denominator at z = 1
    const double atNyq = 1.0 - d.a1 + d.a2;    // denominator at z = -1
    const double k = std::sqrt(atDc / atNyq);
    const double kOverQ = 2.0 * (1.0 - d.a2) / atNyq;
    AnalogBiquad a{};
    a.f0 = sampleRate / kaiser::kPi * std::atan(k);
    a.q = k / kOverQ;
    a.hf = (d.b0 - d.b1 + d.b2) / atNyq;
    a.dc = (d.b0 + d.b1 + d.b2) / atDc;
    a.mid = 2.0 * (d.b0 - d.b2) / (k * atNyq);
    return a;
  }

  // The bilinear transform, pre-warped at f0, at sampleRate.
  BiquadCoefficients toDigital(double sampleRate) const noexcept {
    const double k = std::tan(kaiser::kPi * f0 / sampleRate);
    const double k2 = k * k;
    const double a0 = 1.0 + k / q + k2;
    return {(hf + mid * k + dc * k2) / a0, 2.0 * (dc * k2 - hf) / a0, (hf - mid * k + dc * k2) / a0,
            2.0 * (k2 - 1.0) / a0, (1.0 - k / q + k2) / a0};
  }
};

class KWeighting {
  using History = kweighting::History;

 public:
  // ITU-R BS.1770-4, Tables 1 and 2: the two stages at 48 kHz.
  static constexpr BiquadCoefficients kShelf48k{1.53512485958697, -2.69169618940638, 1.19839281085285,
                                                -1.69065929318241, 0.73248077421585};
  static constexpr BiquadCoefficients kHighPass48k{1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621};

  static BiquadCoefficients shelf(double sampleRate) noexcept {
    return AnalogBiquad::fromDigital(kShelf48k, 48000.0).toDigital(sampleRate);
  }
  static BiquadCoefficients highPass(double sampleRate) noexcept {
    return AnalogBiquad::fromDigital(kHighPass48k, 48000.0).toDigital(sampleRate);
  }

  // The stage in look-ahead form (k_weighting_lookahead.hpp). Where the high-pass's poles sit
  // near z = 1, D(z) D(-z) at z = 1, 1 + c2 + c4, is ~1e-6 of c2 (at 192 kHz): an error in c2 moves
  // the response near the corner by that factor more. So c2 = 2 a2 - a1^2 is rounded once, from
  // its exact value (the product's error from std::fma, the difference's by two-sum), not thrice.
  static kweighting::LookAheadStage lookAhead(const BiquadCoefficients& c) noexcept {
    const double p = c.a1 * c.a1, pErr = std::fma(c.a1, c.a1, -p);  // a1^2 = p + pErr exactly
    const double d = 2.0 * c.a2 - p, z = d - 2.0 * c.a2;           // two-sum: 2 a2 - p = d + dErr
    const double dErr = (2.0 * c.a2 - (d - z)) - (p + z);
    return {c.b0, c.b1, c.b2, -c.a1, c.a2, d + (dErr - pErr), c.a2 * c.a2};
  }

  void configure(double sampleRate) noexcept {
    s1_ = lookAhead(shelf(sampleRate));
    s2_ = lookAhead(highPass(sampleRate));
    reset();
  }
  void reset() noexcept { h_ = {}; }

  // 4: the stereo loop in AVX vectors (where the CPU has AVX, the default); 2: in SSE2/NEON ones.
  // The same sums either way (tested).
  void setVectorWidth(std::uint32_t w) noexcept { avx_ = w == 4 && simd::kCpuHasAvx; }
  std::uint32_t vectorWidth() const noexcept { return avx_ ? 4 : 2; }

  // Filters `frames` samples spaced `stride` apart and returns the sum of their squares: two
  // frames per step, even and odd in the lanes of one vector (k_weighting_lookahead.hpp).
  double sumOfSquares(const float* x, std::uint32_t frames, std::uint32_t stride) noexcept {
    using simd::D2;
    const auto fill = [](double c) { return D2::fill(c); };
    const auto pairAt = [](const double* h, int i) { return D2::set(h[i + 1], h[i]); };
    const kweighting::Stage<D2> a(s1_, fill), b(s2_, fill);
    kweighting::StageState<D2> s1{pairAt(h_.x(), 0), pairAt(h_.w1(), 0), pairAt(h_.u(), 0), pairAt(h_.u(), 2)};
    kweighting::StageState<D2> s2{pairAt(h_.u(), 0), pairAt(h_.w2(), 0), pairAt(h_.v(), 0), pairAt(h_.v(), 2)};
    D2 sum = D2::fill(0.0);
    const std::size_t st = stride;
    kweighting::runPairs<4>(a, b, s1, s2, sum, frames / 2,
                         [&](std::size_t j) { return D2::set(x[2 * j * st], x[(2 * j + 1) * st]); });
    const auto unpair = [](D2 p, double* h, int i) { h[i + 1] = p.lane0(), h[i] = p.lane1(); };
    unpair(s1.ip, h_.x(), 0), unpair(s1.wp, h_.w1(), 0), unpair(s1.op, h_.u(), 0), unpair(s1.opp, h_.u(), 2);
    unpair(s2.wp, h_.w2(), 0), unpair(s2.op, h_.v(), 0), unpair(s2.opp, h_.v(), 2);
    double total = sum.lane0() + sum.lane1();
    if (frames % 2 != 0) {  // the last frame alone, the same operations in scalars
      const auto id = [](double c) { return c; };
      const double v = kweighting::runFrame(kweighting::Stage<double>(s1_, id), kweighting::Stage<double>(s2_, id),
                                            static_cast<double>(x[(frames - 1) * st]), h_.x(), h_.w1(), h_.u(), h_.w2(), h_.v());
      total += v * v;
    }
    flushHistory();
    return total;
  }

  // sumOfSquares() for both channels of interleaved stereo at once (both configured at the same
  // rate): each lane does the mono path's operations in its order, so the same sums.
  static void sumOfSquaresStereo(KWeighting& l, KWeighting& r, const float* x, std::uint32_t frames, double& sumL,
                                 double& sumR) noexcept {
    using simd::D2;
    double lanes[4];  // L even, R even, L odd, R odd
    if (kweighting_avx::kAvailable && l.avx_) kweighting_avx::runPairs(l.s1_, l.s2_, l.h_, r.h_, x, frames / 2, lanes);
    else pairsSse(l, r, x, frames / 2, lanes);
    sumL = lanes[0] + lanes[2];
    sumR = lanes[1] + lanes[3];
    if (frames % 2 != 0) {  // the last frame, L and R in the lanes of one D2
      const auto fill = [](double c) { return D2::fill(c); };
      D2 h[History::kSize];  // l's and r's histories side by side
      for (int k = 0; k < History::kSize; ++k) h[k] = D2::set(l.h_.d[k], r.h_.d[k]);
      const D2 v = kweighting::runFrame(kweighting::Stage<D2>(l.s1_, fill), kweighting::Stage<D2>(l.s2_, fill),
                                        D2::widen(x + 2 * static_cast<std::size_t>(frames - 1)), h + History::kX,
                                        h + History::kW1, h + History::kU, h + History::kW2, h + History::kV);
      for (int k = 0; k < History::kSize; ++k) l.h_.d[k] = h[k].lane0(), r.h_.d[k] = h[k].lane1();
      sumL += v.lane0() * v.lane0();
      sumR += v.lane1() * v.lane1();
    }
    l.flushHistory();
    r.flushHistory();
  }

 private:
  // Without AVX (x86-64's 16 SSE registers) a longer lag spills: 2.4 ns per stereo frame at lag 1,
  // 4.0 at 2 (Zen 5 with AVX disabled; the direct form took 1.9 there, its arithmetic a third
  // less: the price of the same bits on every path). NEON has 32 registers.
#if defined(RINGMIX_F4_NEON)
  static constexpr std::size_t kSseLag = 2;
#else
  static constexpr std::size_t kSseLag = 1;
#endif
  // The stereo pairs in SSE2/NEON vectors: kweighting_avx::runPairs()'s operations, two lanes at a time.
  static void pairsSse(KWeighting& l, KWeighting& r, const float* x, std::size_t pairs, double* lanes) noexcept {
    using kweighting::StereoPair;
    using simd::D2;
    const auto fill = [](double c) { return StereoPair{D2::fill(c), D2::fill(c)}; };
    const auto pairAt = [](const double* hl, const double* hr, int i) {
      return StereoPair{D2::set(hl[i + 1], hr[i + 1]), D2::set(hl[i], hr[i])};
    };
    const auto unpair = [](StereoPair p, double* hl, double* hr, int i) {
      hl[i + 1] = p.lo.lane0(), hr[i + 1] = p.lo.lane1(), hl[i] = p.hi.lane0(), hr[i] = p.hi.lane1();
    };
    const kweighting::Stage<StereoPair> a(l.s1_, fill), b(l.s2_, fill);
    History& hl = l.h_;
    History& hr = r.h_;
    kweighting::StageState<StereoPair> s1{pairAt(hl.x(), hr.x(), 0), pairAt(hl.w1(), hr.w1(), 0),
                                          pairAt(hl.u(), hr.u(), 0), pairAt(hl.u(), hr.u(), 2)};
    kweighting::StageState<StereoPair> s2{pairAt(hl.u(), hr.u(), 0), pairAt(hl.w2(), hr.w2(), 0),
                                          pairAt(hl.v(), hr.v(), 0), pairAt(hl.v(), hr.v(), 2)};
    StereoPair sum = fill(0.0);
    kweighting::runPairs<kSseLag>(a, b, s1, s2, sum, pairs, [&](std::size_t j) {
      return StereoPair{D2::widen(x + 4 * j), D2::widen(x + 4 * j + 2)};
    });
    unpair(s1.ip, hl.x(), hr.x(), 0), unpair(s1.wp, hl.w1(), hr.w1(), 0), unpair(s1.op, hl.u(), hr.u(), 0);
    unpair(s1.opp, hl.u(), hr.u(), 2), unpair(s2.wp, hl.w2(), hr.w2(), 0), unpair(s2.op, hl.v(), hr.v(), 0);
    unpair(s2.opp, hl.v(), hr.v(), 2);
    lanes[0] = sum.lo.lane0(), lanes[1] = sum.lo.lane1(), lanes[2] = sum.hi.lane0(), lanes[3] = sum.hi.lane1();
  }

  // A state decaying through silence would reach denormal numbers (~3 s after the signal stops),
  // where each operation costs ~100 times more: flush what no meter can show (1e-20 is -400 dBFS).
  static double flush(double v) noexcept { return std::fabs(v) < 1e-20 ? 0.0 : v; }
  void flushHistory() noexcept {
    for (double& v : h_.d) v = flush(v);
  }

  kweighting::LookAheadStage s1_{}, s2_{};
  History h_{};
  bool avx_ = simd::kCpuHasAvx;  // see setVectorWidth()
};

}  // namespace ringmix::engine
