// Independent true-peak references for the tests: band-limited interpolation evaluated in double
// at 16 points per sample (4 times finer than the engine's detector), from a Kaiser-windowed sinc
// written out here (not the engine's tables). Three reconstructions:
//   kSameBand: the detector's kernel (+-32 samples, beta 9), sampled 16x: what a 4x meter of this
//              design would read if it also looked between its points.
//   kDacBand:  +-48 samples, beta 12 (transition ~0.46-0.54 fs, ~120 dB stop band): a converter's
//              sharp reconstruction filter.
//   kSharp:    +-64 samples, beta 10 (transition ~0.475-0.525 fs): sharper than converters are,
//              close to an ideal reconstruction for content below ~0.47 fs.
// Outside the signal is silence, as for the limiter, which starts from silence.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace dsptest {

struct Reference {
  unsigned factor;
  int halfWidth;  // kernel spans +-halfWidth input samples
  double beta;

  static double besselI0(double x) {
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 60; ++k) {
      term *= (x / (2.0 * k)) * (x / (2.0 * k));
      sum += term;
    }
    return sum;
  }
  double kernel(double t) const {
    const double x = t / halfWidth;
    if (x <= -1.0 || x >= 1.0) return 0.0;
    const double w = besselI0(beta * std::sqrt(1.0 - x * x)) / besselI0(beta);
    const double pt = 3.14159265358979323846 * t;
    return (std::fabs(t) < 1e-12 ? 1.0 : std::sin(pt) / pt) * w;
  }

  // Largest magnitude of the reconstructed waveform of every channel, at factor points per sample.
  double truePeak(const std::vector<float>& x, unsigned channels) const {
    const long frames = static_cast<long>(x.size() / channels);
    // Tables: phase p, tap k in [-halfWidth + 1, halfWidth], normalised to unity DC gain.
    std::vector<double> table(static_cast<std::size_t>(factor) * 2 * halfWidth);
    for (unsigned p = 0; p < factor; ++p) {
      double sum = 0.0;
      for (int k = -halfWidth + 1; k <= halfWidth; ++k) sum += kernel(k - static_cast<double>(p) / factor);
      for (int k = -halfWidth + 1; k <= halfWidth; ++k)
        table[p * 2 * halfWidth + static_cast<unsigned>(k + halfWidth - 1)] = kernel(k - static_cast<double>(p) / factor) / sum;
    }
    double peak = 0.0;
    for (unsigned c = 0; c < channels; ++c) {
      for (long n = -halfWidth; n < frames + halfWidth; ++n) {
        for (unsigned p = 0; p < factor; ++p) {
          const double* h = &table[p * 2 * halfWidth];
          double acc = 0.0;
          const long k0 = std::max<long>(-halfWidth + 1, -n), k1 = std::min<long>(halfWidth, frames - 1 - n);
          for (long k = k0; k <= k1; ++k) acc += h[k + halfWidth - 1] * x[static_cast<std::size_t>((n + k) * channels + c)];
          peak = std::max(peak, std::fabs(acc));
        }
      }
    }
    return peak;
  }
};

inline double truePeakDb(const Reference& r, const std::vector<float>& x, unsigned channels) {
  const double p = r.truePeak(x, channels);
  return p > 0.0 ? 20.0 * std::log10(p) : -1000.0;
}

inline const Reference kSameBand{16, 32, 9.0};
inline const Reference kDacBand{16, 48, 12.0};
inline const Reference kSharp{16, 64, 10.0};

}  // namespace dsptest
