// SineOscillator: sin(2π·phase) for a run of samples without a libm call per sample. Real-time
// code: arithmetic on its own members.
//
// The phase is kept in double and advanced exactly as a sin() per sample would be, so frequency
// and phase never drift. Each render() starts from one sin/cos of that phase; then eight lanes,
// one per sample of a group of eight, each step eight samples on. A lane follows the recurrence
// s[k+1] = 2·cos(8θ)·s[k] - s[k-1]: a multiply and a subtraction per sample, in two-double
// vectors. Its rounding turns into phase error of about eps / |sin 8θ| per step, so frequencies
// where sin 8θ is near 0 (within ~0.1 % of a multiple of fs/16) turn a complex phasor instead
// (four multiplies per sample, no such loss). Either way a render's error stays far below float's
// resolution: the output matches sin() per sample to within 2 LSB of float (tested).
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/realtime/dsp/simd.hpp"

namespace ringmix::engine {

class SineOscillator {
 public:
  static constexpr std::uint32_t kLanes = 8;
  // |sin 8θ| below this: the phasor. At 1e-3 the recurrence's phase error over a 256-sample
  // render is ~32 · 1.1e-16 / 1e-3 ≈ 4e-12 rad.
  static constexpr double kMinStepSin = 1e-3;

  // cycles per sample (frequency / sample rate); phase restarts at 0.
  void configure(double cyclesPerSample) noexcept {
    inc_ = cyclesPerSample - std::floor(cyclesPerSample);
    phase_ = 0.0;
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    for (std::uint32_t l = 0; l < kLanes; ++l) {
      laneCos_[l] = std::cos(kTwoPi * inc_ * l);
      laneSin_[l] = std::sin(kTwoPi * inc_ * l);
    }
    stepCos_ = std::cos(kTwoPi * inc_ * kLanes);
    stepSin_ = std::sin(kTwoPi * inc_ * kLanes);
    recurrence_ = std::fabs(stepSin_) > kMinStepSin;
  }

  // out[i·C + c] = amplitude · sin(2π (phase + i · inc)) for every channel c < C (C = 1: a mono
  // run; C = 2: the same sample on both channels of interleaved stereo), then phase += n · inc.
  template <std::uint32_t C>
  void render(float* out, std::uint32_t n, float amplitude) noexcept {
    static_assert(C == 1 || C == 2);
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    const double c0 = std::cos(kTwoPi * phase_), s0 = std::sin(kTwoPi * phase_), a = amplitude;
    // Lane l: its sample now (cur, scaled), its cosine (re, for the phasor) and, for the
    // recurrence, its sample a step (eight samples) earlier.
    double cur[kLanes], re[kLanes], prev[kLanes];
    for (std::uint32_t l = 0; l < kLanes; ++l) {
      const double cl = c0 * laneCos_[l] - s0 * laneSin_[l], sl = s0 * laneCos_[l] + c0 * laneSin_[l];
      cur[l] = a * sl;
      re[l] = a * cl;
      prev[l] = a * (sl * stepCos_ - cl * stepSin_);
    }
    std::uint32_t i = 0;
    if (recurrence_) {
      using simd::D2;
      const D2 k = D2::fill(2.0 * stepCos_);
      // Named, not arrays: GCC kept arrays of vectors on the stack, a load and a store per step.
      D2 c0 = D2::set(cur[0], cur[1]), c1 = D2::set(cur[2], cur[3]), c2 = D2::set(cur[4], cur[5]),
         c3 = D2::set(cur[6], cur[7]);
      D2 p0 = D2::set(prev[0], prev[1]), p1 = D2::set(prev[2], prev[3]), p2 = D2::set(prev[4], prev[5]),
         p3 = D2::set(prev[6], prev[7]);
      for (; i + kLanes <= n; i += kLanes) {
        float* o = out + static_cast<std::size_t>(i) * C;
        simd::storeAsFloats<C>(c0, o);
        simd::storeAsFloats<C>(c1, o + 2 * C);
        simd::storeAsFloats<C>(c2, o + 4 * C);
        simd::storeAsFloats<C>(c3, o + 6 * C);
        const D2 n0 = k * c0 - p0, n1 = k * c1 - p1, n2 = k * c2 - p2, n3 = k * c3 - p3;
        p0 = c0, p1 = c1, p2 = c2, p3 = c3;
        c0 = n0, c1 = n1, c2 = n2, c3 = n3;
      }
      const D2 last[kLanes / 2] = {c0, c1, c2, c3};
      for (std::uint32_t j = 0; j < kLanes / 2; ++j) cur[2 * j] = last[j].lane0(), cur[2 * j + 1] = last[j].lane1();
    } else {
      for (; i + kLanes <= n; i += kLanes)
        for (std::uint32_t l = 0; l < kLanes; ++l) {
          for (std::uint32_t ch = 0; ch < C; ++ch) out[static_cast<std::size_t>(i + l) * C + ch] = static_cast<float>(cur[l]);
          const double r = re[l] * stepCos_ - cur[l] * stepSin_;
          cur[l] = cur[l] * stepCos_ + re[l] * stepSin_;
          re[l] = r;
        }
    }
    for (std::uint32_t l = 0; i < n; ++i, ++l)
      for (std::uint32_t ch = 0; ch < C; ++ch) out[static_cast<std::size_t>(i) * C + ch] = static_cast<float>(cur[l]);
    phase_ += inc_ * n;
    phase_ -= std::floor(phase_);  // keep the phase small so precision never degrades
  }

 private:
  double inc_ = 0.0, phase_ = 0.0;
  double laneCos_[kLanes] = {}, laneSin_[kLanes] = {};
  double stepCos_ = 1.0, stepSin_ = 0.0;
  bool recurrence_ = false;
};

}  // namespace ringmix::engine
