// The pieces of a Kaiser-windowed sinc, for the FIR interpolators of the master's DSP (true-peak
// detection). Plain arithmetic, evaluated once when a filter is designed (configure()), never per
// sample. Real-time code: no allocation.
#pragma once

#include <cmath>

namespace ringmix::engine::kaiser {

inline constexpr double kPi = 3.14159265358979323846;

// sin(pi x) / (pi x), 1 at 0.
inline double sinc(double x) noexcept {
  if (std::fabs(x) < 1e-12) return 1.0;
  const double px = kPi * x;
  return std::sin(px) / px;
}

// Modified Bessel function of the first kind, order 0, by its power series (converges fast for the
// arguments a window uses, beta <= ~15).
inline double besselI0(double x) noexcept {
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 50; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

// Kaiser window on [-1, 1], 0 outside. beta sets the side-lobe level (5: ~-55 dB, 7: ~-70 dB,
// 10: ~-100 dB) against the width of the main lobe, i.e. the filter's transition band.
inline double window(double x, double beta) noexcept {
  if (x <= -1.0 || x >= 1.0) return 0.0;
  return besselI0(beta * std::sqrt(1.0 - x * x)) / besselI0(beta);
}

}  // namespace ringmix::engine::kaiser
