// The true-peak meter's 4x interpolator (true_peak.hpp): for each of the kFactor phases, a kTaps
// windowed-sinc FIR (Kaiser, beta 9: ~-90 dB side lobes, transition band ~0.455-0.545 fs),
// normalised to unity gain at DC, in the layouts the detector's loops read. Built once per
// detector, off the real-time path (a constructor); read-only after that.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "engine/realtime/dsp/kaiser.hpp"

namespace ringmix::engine {

struct TruePeakKernel {
  static constexpr std::uint32_t kFactor = 4;  // oversampling
  static constexpr std::uint32_t kTaps = 64;   // input samples each phase spans
  static constexpr double kBeta = 9.0;

  TruePeakKernel() noexcept { design(); }

  alignas(16) std::array<std::array<float, kFactor>, kTaps> coef{};  // coef[k][p]: tap k (oldest 0) of phase p
  alignas(16) float rep[kFactor][kTaps][4] = {};  // each coefficient four times, for the four-frame loop
  alignas(16) float byPhase[kFactor][kTaps] = {};  // each phase's row, for the vector loops and sum()
  float gain = 1.0f;  // the largest phase's sum of |coefficients| (TruePeakDetector::gain())

 private:
  void design() noexcept {
    // Tap k of phase p sits tau = k - (kTaps/2 - 1) - p/kFactor input frames from the instant
    // being interpolated; the window spans +-kTaps/2 frames around it.
    for (std::uint32_t p = 0; p < kFactor; ++p) {
      double sum = 0.0;
      double h[kTaps];
      for (std::uint32_t k = 0; k < kTaps; ++k) {
        const double tau = static_cast<double>(k) - (kTaps / 2.0 - 1.0) - static_cast<double>(p) / kFactor;
        h[k] = p == 0 ? (k == kTaps / 2 - 1 ? 1.0 : 0.0) : kaiser::sinc(tau) * kaiser::window(tau / (kTaps / 2.0), kBeta);
        sum += h[k];
      }
      // Unity gain at DC for every phase, so a constant reads the same at every offset.
      double l1 = 0.0;
      for (std::uint32_t k = 0; k < kTaps; ++k) {
        coef[k][p] = static_cast<float>(h[k] / sum);
        byPhase[p][k] = coef[k][p];
        for (std::uint32_t i = 0; i < 4; ++i) rep[p][k][i] = coef[k][p];
        l1 += std::fabs(static_cast<double>(coef[k][p]));
      }
      // Rounded up a little: the float sums in interpolate() may round above the exact bound.
      gain = std::max(gain, static_cast<float>(l1 * (1.0 + 1e-5)));
    }
  }

};

}  // namespace ringmix::engine
