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
// where float coefficients would move its corner audibly. Real-time code: arithmetic only.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

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

  void configure(double sampleRate) noexcept {
    s1_ = shelf(sampleRate);
    s2_ = highPass(sampleRate);
    reset();
  }
  void reset() noexcept { x1_ = x2_ = u1_ = u2_ = v1_ = v2_ = 0.0; }

  // Filters `frames` samples spaced `stride` apart and returns the sum of their squares.
  //
  // Direct form I, the feedback of the previous output taken last: a stage's output waits on its
  // previous one through one multiply and one subtraction (the transposed form II chained four
  // operations there, and this loop is bound by that latency, not by its arithmetic). The second
  // stage's input history is the first's output history. In double: the high-pass's poles sit
  // 0.5 % from z = 1, where float would not hold them.
  double sumOfSquares(const float* x, std::uint32_t frames, std::uint32_t stride) noexcept {
    double x1 = x1_, x2 = x2_, u1 = u1_, u2 = u2_, v1 = v1_, v2 = v2_, sum = 0.0;
    const BiquadCoefficients a = s1_, b = s2_;
    for (std::uint32_t i = 0; i < frames; ++i) {
      const double in = x[static_cast<std::size_t>(i) * stride];
      const double u = (((a.b0 * in + a.b1 * x1) + a.b2 * x2) - a.a2 * u2) - a.a1 * u1;
      const double v = (((b.b0 * u + b.b1 * u1) + b.b2 * u2) - b.a2 * v2) - b.a1 * v1;
      x2 = x1, x1 = in, u2 = u1, u1 = u, v2 = v1, v1 = v;
      sum += v * v;
    }
    storeState(x1, x2, u1, u2, v1, v2);
    return sum;
  }

  // sumOfSquares() for both channels of interleaved stereo at once, l's in one lane of a
  // two-double vector and r's in the other (both configured at the same rate): the same
  // operations per channel, so the same sums, with the recursion's latency paid once for both.
  static void sumOfSquaresStereo(KWeighting& l, KWeighting& r, const float* x, std::uint32_t frames, double& sumL,
                                 double& sumR) noexcept {
    using simd::D2;
    const BiquadCoefficients a = l.s1_, b = l.s2_;
    const D2 ab0 = D2::fill(a.b0), ab1 = D2::fill(a.b1), ab2 = D2::fill(a.b2), aa1 = D2::fill(a.a1), aa2 = D2::fill(a.a2);
    const D2 bb0 = D2::fill(b.b0), bb1 = D2::fill(b.b1), bb2 = D2::fill(b.b2), ba1 = D2::fill(b.a1), ba2 = D2::fill(b.a2);
    D2 x1 = D2::set(l.x1_, r.x1_), x2 = D2::set(l.x2_, r.x2_), u1 = D2::set(l.u1_, r.u1_), u2 = D2::set(l.u2_, r.u2_);
    D2 v1 = D2::set(l.v1_, r.v1_), v2 = D2::set(l.v2_, r.v2_);
    D2 sum = D2::fill(0.0);
    for (std::uint32_t i = 0; i < frames; ++i) {
      const D2 in = D2::widen(x + 2 * static_cast<std::size_t>(i));
      const D2 u = (((ab0 * in + ab1 * x1) + ab2 * x2) - aa2 * u2) - aa1 * u1;
      const D2 v = (((bb0 * u + bb1 * u1) + bb2 * u2) - ba2 * v2) - ba1 * v1;
      x2 = x1, x1 = in, u2 = u1, u1 = u, v2 = v1, v1 = v;
      sum = sum + v * v;
    }
    l.storeState(x1.lane0(), x2.lane0(), u1.lane0(), u2.lane0(), v1.lane0(), v2.lane0());
    r.storeState(x1.lane1(), x2.lane1(), u1.lane1(), u2.lane1(), v1.lane1(), v2.lane1());
    sumL = sum.lane0();
    sumR = sum.lane1();
  }

 private:
  // A state decaying through silence would reach denormal numbers (~3 s after the signal stops),
  // where each operation costs ~100 times more: flush what no meter can show (1e-20 is -400 dBFS).
  static double flush(double v) noexcept { return std::fabs(v) < 1e-20 ? 0.0 : v; }
  void storeState(double x1, double x2, double u1, double u2, double v1, double v2) noexcept {
    x1_ = flush(x1), x2_ = flush(x2), u1_ = flush(u1), u2_ = flush(u2), v1_ = flush(v1), v2_ = flush(v2);
  }

  BiquadCoefficients s1_{}, s2_{};
  // The last two inputs, first-stage outputs (the second stage's inputs) and second-stage outputs.
  double x1_ = 0, x2_ = 0, u1_ = 0, u2_ = 0, v1_ = 0, v2_ = 0;
};

}  // namespace ringmix::engine
