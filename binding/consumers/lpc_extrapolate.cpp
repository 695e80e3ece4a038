#include "consumers/lpc_extrapolate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <vector>

namespace ringmix::consumers {

namespace {

constexpr int kOrder = 32;
constexpr std::size_t kMinFrames = 2 * kOrder;

// Prediction coefficients c[1..kOrder] (x[n] ≈ Σ c[k]·x[n-k]) from autocorrelations r[0..kOrder]
// by the Levinson-Durbin recursion. With r from a windowed segment (a positive definite
// sequence) every reflection coefficient is below 1 in magnitude: the synthesis filter is stable,
// so the continuation decays rather than blows up.
std::array<double, kOrder + 1> levinson(const std::array<double, kOrder + 1>& r) {
  std::array<double, kOrder + 1> c{};
  std::array<double, kOrder + 1> prev{};
  double err = r[0];
  for (int i = 1; i <= kOrder && err > 0; ++i) {
    double acc = r[i];
    for (int k = 1; k < i; ++k) acc -= c[k] * r[i - k];
    const double refl = acc / err;
    prev = c;
    c[i] = refl;
    for (int k = 1; k < i; ++k) c[k] = prev[k] - refl * prev[i - k];
    err *= 1.0 - refl * refl;
  }
  return c;
}

}  // namespace

void lpcExtrapolate(const float* history, std::size_t frames, std::uint32_t channels, float* out,
                    std::size_t outFrames) {
  if (frames < kMinFrames) {
    std::fill(out, out + outFrames * channels, 0.0f);
    return;
  }
  std::vector<double> x(frames);
  std::vector<double> y(kOrder + outFrames);
  for (std::uint32_t ch = 0; ch < channels; ++ch) {
    // The analysis window (Hann) tapers the segment's ends, so its edges add no false spectrum.
    for (std::size_t i = 0; i < frames; ++i) {
      const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * (static_cast<double>(i) + 0.5) / static_cast<double>(frames));
      x[i] = w * history[i * channels + ch];
    }
    std::array<double, kOrder + 1> r{};
    for (int k = 0; k <= kOrder; ++k) {
      double s = 0;
      for (std::size_t i = static_cast<std::size_t>(k); i < frames; ++i) s += x[i] * x[i - static_cast<std::size_t>(k)];
      r[static_cast<std::size_t>(k)] = s;
    }
    // White noise 40 dB down (and a floor for silence): keeps the recursion well conditioned.
    r[0] = r[0] * 1.0001 + 1e-20;
    const auto c = levinson(r);
    // The filter runs on the unwindowed signal: its last kOrder samples, then its own output.
    for (int k = 0; k < kOrder; ++k)
      y[static_cast<std::size_t>(k)] = history[(frames - kOrder + static_cast<std::size_t>(k)) * channels + ch];
    for (std::size_t n = kOrder; n < y.size(); ++n) {
      double p = 0;
      for (int k = 1; k <= kOrder; ++k) p += c[static_cast<std::size_t>(k)] * y[n - static_cast<std::size_t>(k)];
      y[n] = std::clamp(p, -1.0, 1.0);
    }
    for (std::size_t i = 0; i < outFrames; ++i) out[i * channels + ch] = static_cast<float>(y[kOrder + i]);
  }
}

}  // namespace ringmix::consumers
