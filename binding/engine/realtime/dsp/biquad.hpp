// Second-order sections: coefficients from Robert Bristow-Johnson's "Audio EQ Cookbook" designs
// (bilinear transform of an analogue prototype, prewarped so the prototype's f0 lands exactly at
// f0), and the design's own frequency response, the reference the tests compare measured
// responses with. Pure arithmetic: set() paths may call these on the real-time thread.
//
//   H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2)      (a0 normalised to 1)
#pragma once

#include <cmath>
#include <complex>

namespace ringmix::engine::dsp {

struct BiquadCoefs {
  double b0, b1, b2, a1, a2;
};

inline bool operator==(const BiquadCoefs& x, const BiquadCoefs& y) noexcept {
  return x.b0 == y.b0 && x.b1 == y.b1 && x.b2 == y.b2 && x.a1 == y.a1 && x.a2 == y.a2;
}

namespace biquad {

inline constexpr double kPi = 3.14159265358979323846;

// The limits every design is evaluated within: f0 strictly inside (0, Nyquist) (at Nyquist the
// bilinear transform's prewarp diverges), a Q that keeps the poles off the unit circle, gains
// well past the ±18 dB the API offers. fmax/fmin also turn NaN into the limit.
inline double safeFrequency(double fs, double f0) noexcept { return std::fmin(std::fmax(f0, 1.0), 0.49 * fs); }
inline double safeQ(double q) noexcept { return std::fmin(std::fmax(q, 0.05), 50.0); }
inline double safeGainDb(double g) noexcept { return std::fmin(std::fmax(g, -48.0), 48.0); }

inline BiquadCoefs normalise(double b0, double b1, double b2, double a0, double a1, double a2) noexcept {
  return {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

inline BiquadCoefs identity() noexcept { return {1.0, 0.0, 0.0, 0.0, 0.0}; }

// Second-order high-pass; q = 1/√2 is Butterworth (−3.01 dB at f0, 12 dB/octave below).
inline BiquadCoefs highPass(double fs, double f0, double q) noexcept {
  const double w0 = 2.0 * kPi * f0 / fs, cw = std::cos(w0), alpha = std::sin(w0) / (2.0 * q);
  return normalise((1.0 + cw) / 2.0, -(1.0 + cw), (1.0 + cw) / 2.0, 1.0 + alpha, -2.0 * cw, 1.0 - alpha);
}

// Peaking EQ: gainDb at f0, 0 dB far from it; q sets the bandwidth (the cookbook's Q, so a boost
// and a cut of the same q and |gain| cancel exactly).
inline BiquadCoefs peaking(double fs, double f0, double gainDb, double q) noexcept {
  const double A = std::pow(10.0, gainDb / 40.0);
  const double w0 = 2.0 * kPi * f0 / fs, cw = std::cos(w0), alpha = std::sin(w0) / (2.0 * q);
  return normalise(1.0 + alpha * A, -2.0 * cw, 1.0 - alpha * A, 1.0 + alpha / A, -2.0 * cw, 1.0 - alpha / A);
}

// Shelves: gainDb at DC (low) or Nyquist (high), 0 dB at the other end, gainDb/2 at f0 (the
// cookbook's shelf midpoint). q = 1/√2 is the steepest slope without overshoot (S = 1).
inline BiquadCoefs lowShelf(double fs, double f0, double gainDb, double q) noexcept {
  const double A = std::pow(10.0, gainDb / 40.0), sA = std::sqrt(A);
  const double w0 = 2.0 * kPi * f0 / fs, cw = std::cos(w0), alpha = std::sin(w0) / (2.0 * q);
  return normalise(A * ((A + 1.0) - (A - 1.0) * cw + 2.0 * sA * alpha), 2.0 * A * ((A - 1.0) - (A + 1.0) * cw),
                   A * ((A + 1.0) - (A - 1.0) * cw - 2.0 * sA * alpha), (A + 1.0) + (A - 1.0) * cw + 2.0 * sA * alpha,
                   -2.0 * ((A - 1.0) + (A + 1.0) * cw), (A + 1.0) + (A - 1.0) * cw - 2.0 * sA * alpha);
}

inline BiquadCoefs highShelf(double fs, double f0, double gainDb, double q) noexcept {
  const double A = std::pow(10.0, gainDb / 40.0), sA = std::sqrt(A);
  const double w0 = 2.0 * kPi * f0 / fs, cw = std::cos(w0), alpha = std::sin(w0) / (2.0 * q);
  return normalise(A * ((A + 1.0) + (A - 1.0) * cw + 2.0 * sA * alpha), -2.0 * A * ((A - 1.0) + (A + 1.0) * cw),
                   A * ((A + 1.0) + (A - 1.0) * cw - 2.0 * sA * alpha), (A + 1.0) - (A - 1.0) * cw + 2.0 * sA * alpha,
                   2.0 * ((A - 1.0) - (A + 1.0) * cw), (A + 1.0) - (A - 1.0) * cw - 2.0 * sA * alpha);
}

}  // namespace biquad

// One section on one channel in direct form I, state in double: the reference form (the chains in
// biquad_chain.hpp run the same arithmetic, sharing each history between neighbouring sections).
// Why DF-I and double: DF-I's state is only the signal's own past (x[n-1], x[n-2], y[n-1],
// y[n-2]), whatever the coefficients, so a filter whose coefficients change starts from the
// signal's real history; and at 20 Hz / 48 kHz a1 ≈ -2 + 7e-6, so float quantises the poles'
// distance from the unit circle to a few bits. Measured on float TDF-II (float coefficients):
// a Q = 8 peak at 25 Hz is 0.35 dB off its design and adds error 39 dB below its output, a 20 Hz
// shelf 0.06 dB and -50 dB; in double DF-I every filter tested is within 0.002 dB.
struct BiquadDf1 {
  double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  double process(const BiquadCoefs& c, double x) noexcept {
    const double y = ((c.b1 * x1 + c.b2 * x2 - c.a2 * y2) + c.b0 * x) - c.a1 * y1;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    return y;
  }
};

// |H(e^jω)| in dB at frequency f: the design's exact response (double precision; at 20 Hz and
// 48 kHz the denominator's cancellation still leaves ~11 significant digits).
inline double magnitudeDb(const BiquadCoefs& c, double f, double fs) noexcept {
  const std::complex<double> z1 = std::polar(1.0, -2.0 * biquad::kPi * f / fs), z2 = z1 * z1;
  const std::complex<double> num = c.b0 + c.b1 * z1 + c.b2 * z2, den = 1.0 + c.a1 * z1 + c.a2 * z2;
  return 20.0 * std::log10(std::abs(num) / std::abs(den));
}

}  // namespace ringmix::engine::dsp
