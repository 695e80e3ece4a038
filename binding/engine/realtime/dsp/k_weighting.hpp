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
  void reset() noexcept { z1a_ = z2a_ = z1b_ = z2b_ = 0.0; }

  // Filters `frames` samples spaced `stride` apart and returns the sum of their squares.
  double sumOfSquares(const float* x, std::uint32_t frames, std::uint32_t stride) noexcept {
    // Transposed direct form II, state in locals for the loop.
    double z1a = z1a_, z2a = z2a_, z1b = z1b_, z2b = z2b_, sum = 0.0;
    const BiquadCoefficients a = s1_, b = s2_;
    for (std::uint32_t i = 0; i < frames; ++i) {
      const double in = x[static_cast<std::size_t>(i) * stride];
      const double y1 = a.b0 * in + z1a;
      z1a = a.b1 * in - a.a1 * y1 + z2a;
      z2a = a.b2 * in - a.a2 * y1;
      const double y2 = b.b0 * y1 + z1b;
      z1b = b.b1 * y1 - b.a1 * y2 + z2b;
      z2b = b.b2 * y1 - b.a2 * y2;
      sum += y2 * y2;
    }
    // A state decaying through silence would reach denormal numbers (~3 s after the signal
    // stops), where each operation costs ~100 times more: flush what no meter can show
    // (1e-20 is -400 dBFS).
    storeState(z1a, z2a, z1b, z2b);
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
    D2 z1a = D2::set(l.z1a_, r.z1a_), z2a = D2::set(l.z2a_, r.z2a_);
    D2 z1b = D2::set(l.z1b_, r.z1b_), z2b = D2::set(l.z2b_, r.z2b_);
    D2 sum = D2::fill(0.0);
    for (std::uint32_t i = 0; i < frames; ++i) {
      const D2 in = D2::widen(x + 2 * static_cast<std::size_t>(i));
      const D2 y1 = ab0 * in + z1a;
      z1a = ab1 * in - aa1 * y1 + z2a;
      z2a = ab2 * in - aa2 * y1;
      const D2 y2 = bb0 * y1 + z1b;
      z1b = bb1 * y1 - ba1 * y2 + z2b;
      z2b = bb2 * y1 - ba2 * y2;
      sum = sum + y2 * y2;
    }
    l.storeState(z1a.lane0(), z2a.lane0(), z1b.lane0(), z2b.lane0());
    r.storeState(z1a.lane1(), z2a.lane1(), z1b.lane1(), z2b.lane1());
    sumL = sum.lane0();
    sumR = sum.lane1();
  }

 private:
  void storeState(double z1a, double z2a, double z1b, double z2b) noexcept {
    z1a_ = std::fabs(z1a) < 1e-20 ? 0.0 : z1a;
    z2a_ = std::fabs(z2a) < 1e-20 ? 0.0 : z2a;
    z1b_ = std::fabs(z1b) < 1e-20 ? 0.0 : z1b;
    z2b_ = std::fabs(z2b) < 1e-20 ? 0.0 : z2b;
  }

  BiquadCoefficients s1_{}, s2_{};
  double z1a_ = 0, z2a_ = 0, z1b_ = 0, z2b_ = 0;
};

}  // namespace ringmix::engine
