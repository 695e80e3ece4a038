// SineOscillator: sin(2π·phase) for a run of samples without a libm call per sample. Real-time
// code: arithmetic on its own members.
//
// Eight lanes, one per sample of a group of eight, each step a group on. A lane follows the
// recurrence s[k+1] = 2·cos(8θ)·s[k] - s[k-1]: a multiply and a subtraction per sample, in
// two-double vectors. Its rounding turns into phase error of about eps / |sin 8θ| per step, so
// frequencies where sin 8θ is near 0 (within ~0.1 % of a multiple of fs/16) turn a complex
// phasor instead (four multiplies per sample, no such loss). The lanes carry on from one render()
// to the next (a short period would otherwise pay a sin/cos per call), and are set afresh from the
// exact phase, kept in double and advanced as a sin() per sample would be, every kAnchorSamples:
// the frequency and phase never drift, and the error stays far below float's resolution (the
// output matches sin() per sample within 2 LSB of float, tested). A group is computed whole; what
// a render() does not take of it waits for the next. The anchors fall every kAnchorSamples from
// the start whatever the render() sizes, and the phase moves a whole anchor span at a time, so
// the samples are the same bits however the signal is cut into renders (a period, a ring's chunk).
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/realtime/dsp/simd.hpp"

namespace ringmix::engine {

class SineOscillator {
 public:
  static constexpr std::uint32_t kLanes = 8;
  // |sin 8θ| below this: the phasor. At 1e-3 the recurrence's phase error over the samples
  // between anchors is ~(kAnchorSamples / 8) · 1.1e-16 / 1e-3 ≈ 6e-11 rad.
  static constexpr double kMinStepSin = 1e-3;
  static constexpr std::uint32_t kAnchorSamples = 4096;
  static constexpr std::uint32_t kAnchorGroups = kAnchorSamples / kLanes;

  // cycles per sample (frequency / sample rate); phase restarts at 0.
  void configure(double cyclesPerSample) noexcept {
    inc_ = cyclesPerSample - std::floor(cyclesPerSample);
    groupInc_ = kLanes * inc_;
    phase_ = 0.0;
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    for (std::uint32_t l = 0; l < kLanes; ++l) {
      laneCos_[l] = std::cos(kTwoPi * inc_ * l);
      laneSin_[l] = std::sin(kTwoPi * inc_ * l);
    }
    stepCos_ = std::cos(kTwoPi * inc_ * kLanes);
    stepSin_ = std::sin(kTwoPi * inc_ * kLanes);
    recurrence_ = std::fabs(stepSin_) > kMinStepSin;
    amplitude_ = 0.0f;
    anchored_ = false;  // anchor at the first group
    sinceAnchor_ = 0;
    waiting_ = 0;
  }

  // out[i·C + c] = amplitude · sin(2π (phase + i · inc)) for every channel c < C (C = 1: a mono
  // run; C = 2: the same sample on both channels of interleaved stereo); the phase moves on n.
  template <std::uint32_t C>
  void render(float* out, std::uint32_t n, float amplitude) noexcept {
    static_assert(C == 1 || C == 2);
    if (amplitude != amplitude_) {  // the lanes and what waits are scaled by it
      const float scale = amplitude_ != 0.0f ? amplitude / amplitude_ : 0.0f;
      for (std::uint32_t j = kLanes - waiting_; j < kLanes; ++j) group_[j] *= scale;
      amplitude_ = amplitude;
      anchored_ = false;
    }
    std::uint32_t i = 0;
    for (; i < n && waiting_ > 0; ++i, --waiting_) put<C>(out, i, group_[kLanes - waiting_]);
    if (i == n) return;
    const std::uint32_t whole = (n - i) / kLanes;
    if (whole > 0) {
      run<C>(out + static_cast<std::size_t>(i) * C, whole);
      i += whole * kLanes;
    }
    if (i < n) {  // part of a group: compute it whole, keep the rest
      run<1>(group_, 1);
      waiting_ = kLanes;
      for (; i < n; ++i, --waiting_) put<C>(out, i, group_[kLanes - waiting_]);
    }
  }

 private:
  template <std::uint32_t C>
  static void put(float* out, std::uint32_t i, float v) noexcept {
    for (std::uint32_t ch = 0; ch < C; ++ch) out[static_cast<std::size_t>(i) * C + ch] = v;
  }

  // The lanes at the next group, from one sin/cos of its exact phase: the last anchor's moved on
  // by the groups since (kept below 1, so its precision never degrades).
  void anchor() noexcept {
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    phase_ += groupInc_ * sinceAnchor_;
    phase_ -= std::floor(phase_);
    const double c0 = std::cos(kTwoPi * phase_), s0 = std::sin(kTwoPi * phase_), a = amplitude_;
    for (std::uint32_t l = 0; l < kLanes; ++l) {
      const double cl = c0 * laneCos_[l] - s0 * laneSin_[l], sl = s0 * laneCos_[l] + c0 * laneSin_[l];
      cur_[l] = a * sl;                                // its sample now
      re_[l] = a * cl;                                 // its cosine (the phasor)
      prev_[l] = a * (sl * stepCos_ - cl * stepSin_);  // its sample a group earlier (the recurrence)
    }
    sinceAnchor_ = 0;
    anchored_ = true;
  }

  // `groups` whole groups into out (each of kLanes samples), anchored afresh every kAnchorGroups.
  template <std::uint32_t C>
  void run(float* out, std::uint32_t groups) noexcept {
    while (groups > 0) {
      if (!anchored_ || sinceAnchor_ == kAnchorGroups) anchor();
      const std::uint32_t g = groups < kAnchorGroups - sinceAnchor_ ? groups : kAnchorGroups - sinceAnchor_;
      step<C>(out, g);
      sinceAnchor_ += g;
      out += static_cast<std::size_t>(g) * kLanes * C;
      groups -= g;
    }
  }

  // `groups` whole groups into out, the lanes stepping on.
  template <std::uint32_t C>
  void step(float* out, std::uint32_t groups) noexcept {
    if (recurrence_) {
      using simd::D2;
      const D2 k = D2::fill(2.0 * stepCos_);
      // Named, not arrays: GCC kept arrays of vectors on the stack, a load and a store per step.
      D2 c0 = D2::set(cur_[0], cur_[1]), c1 = D2::set(cur_[2], cur_[3]), c2 = D2::set(cur_[4], cur_[5]),
         c3 = D2::set(cur_[6], cur_[7]);
      D2 p0 = D2::set(prev_[0], prev_[1]), p1 = D2::set(prev_[2], prev_[3]), p2 = D2::set(prev_[4], prev_[5]),
         p3 = D2::set(prev_[6], prev_[7]);
      for (std::uint32_t g = 0; g < groups; ++g) {
        float* o = out + static_cast<std::size_t>(g) * kLanes * C;
        simd::storeAsFloats<C>(c0, o);
        simd::storeAsFloats<C>(c1, o + 2 * C);
        simd::storeAsFloats<C>(c2, o + 4 * C);
        simd::storeAsFloats<C>(c3, o + 6 * C);
        const D2 n0 = k * c0 - p0, n1 = k * c1 - p1, n2 = k * c2 - p2, n3 = k * c3 - p3;
        p0 = c0, p1 = c1, p2 = c2, p3 = c3;
        c0 = n0, c1 = n1, c2 = n2, c3 = n3;
      }
      const D2 cs[kLanes / 2] = {c0, c1, c2, c3}, ps[kLanes / 2] = {p0, p1, p2, p3};
      for (std::uint32_t j = 0; j < kLanes / 2; ++j) {
        cur_[2 * j] = cs[j].lane0(), cur_[2 * j + 1] = cs[j].lane1();
        prev_[2 * j] = ps[j].lane0(), prev_[2 * j + 1] = ps[j].lane1();
      }
    } else {
      for (std::uint32_t g = 0; g < groups; ++g)
        for (std::uint32_t l = 0; l < kLanes; ++l) {
          put<C>(out, g * kLanes + l, static_cast<float>(cur_[l]));
          const double r = re_[l] * stepCos_ - cur_[l] * stepSin_;
          cur_[l] = cur_[l] * stepCos_ + re_[l] * stepSin_;
          re_[l] = r;
        }
    }
  }

  double inc_ = 0.0, groupInc_ = 0.0;
  double phase_ = 0.0;  // of the last anchor's group, in cycles
  double laneCos_[kLanes] = {}, laneSin_[kLanes] = {};
  double stepCos_ = 1.0, stepSin_ = 0.0;
  bool recurrence_ = false;
  float amplitude_ = 0.0f;
  double cur_[kLanes] = {}, prev_[kLanes] = {}, re_[kLanes] = {};
  bool anchored_ = false;
  std::uint32_t sinceAnchor_ = 0;  // groups since the last anchor
  float group_[kLanes] = {};  // a group computed whole; its last waiting_ samples not yet taken
  std::uint32_t waiting_ = 0;
};

}  // namespace ringmix::engine
