// SineOscillator: sin(2π·phase) for a run of samples without a libm call per sample. Real-time
// code: arithmetic on its own members.
//
// Sixteen lanes, one per sample of a group of sixteen, each step a group on. A lane follows the
// recurrence s[k+1] = 2·cos(16θ)·s[k] - s[k-1]: a multiply and a subtraction per sample, in
// two-double vectors, four-double ones where the CPU has AVX, or eight-double ones with AVX-512
// (sine_oscillator_avx.hpp: the same operations per lane, so the same bits). Each lane's step
// waits on its previous one, so the lanes are as many independent chains: with sixteen a
// 128-frame render is eight steps, not the sixteen eight lanes took, which set the pace once
// AVX-512 had halved the arithmetic. Its
// rounding turns into phase error of about eps / |sin 16θ| per step, so frequencies where sin 16θ
// is near 0 (within ~0.1 % of a multiple of fs/32) turn a complex phasor instead (four
// multiplies per sample, no such loss). The lanes carry on from one render() to the next (a
// short period would otherwise pay a sin/cos per call), and are set afresh from the exact phase,
// kept in double and advanced as a sin() per sample would be, every kAnchorSamples: the
// frequency and phase never drift, and the error stays far below float's resolution (the output
// matches sin() per sample within 2 LSB of float, tested). A group is computed whole; what a
// render() does not take of it waits for the next. As a render's start is rarely group-aligned
// that happens on nearly every call, so it is cheap: the part-group is computed in the same pass
// as the whole groups (the lanes loaded and stored once per render) and handed out with a few
// fixed-size moves. The anchors fall every kAnchorSamples from the start whatever the render()
// sizes, and the phase moves a whole anchor span at a time, so the samples are the same bits
// however the signal is cut into renders (a period, a ring's chunk).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "engine/realtime/dsp/cpu_avx.hpp"
#include "engine/realtime/dsp/simd.hpp"
#include "engine/realtime/sources/sine_oscillator_avx.hpp"

namespace ringmix::engine {

class SineOscillator {
 public:
  static constexpr std::uint32_t kLanes = 16;
  static constexpr std::uint32_t kHalf = 8;  // lanes per step call of the SSE2 and AVX paths
  // |sin 16θ| below this: the phasor. At 1e-3 the recurrence's phase error over the samples
  // between anchors is ~(kAnchorSamples / 16) · 1.1e-16 / 1e-3 ≈ 3e-11 rad.
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
    avx_ = simd::kCpuHasAvx;  // set here, not at construction: a static one may be built before it
    avx512_ = simd::kCpuHasAvx512;
    amplitude_ = 0.0f;
    anchored_ = false;  // anchor at the first group
    sinceAnchor_ = 0;
    waiting_ = 0;
    lead_ = 0;
  }

  // After configure(), before the first render(): the groups of sixteen start `lead` (0 to 15)
  // samples before the first sample rather than at it, so at samples -lead + 16k. A caller whose
  // renders start at such samples (the mix cycle's, for a generator it renders itself) gets
  // whole groups every time, with no part-group computed ahead nor handed out. The samples are
  // the same sine within the same error; their bits depend on the lead (the anchors move with it).
  void setLead(std::uint32_t lead) noexcept {
    lead_ = lead % kLanes;
    const double start = -static_cast<double>(lead_) * inc_;
    phase_ = start - std::floor(start);
  }

  // out[i·C + c] = amplitude · sin(2π (phase + i · inc)) for every channel c < C (C = 1: a mono
  // run; C = 2: the same sample on both channels of interleaved stereo); the phase moves on n.
  template <std::uint32_t C>
  void render(float* out, std::uint32_t n, float amplitude) noexcept {
    static_assert(C == 1 || C == 2);
    // The mix cycle's usual call (its renders start where the groups do, setLead()): whole
    // groups, nothing waiting, no anchor due: straight to the step.
    if (amplitude == amplitude_ && waiting_ == 0 && lead_ == 0 && n % kLanes == 0 && anchored_ &&
        sinceAnchor_ + n / kLanes < kAnchorGroups) {
      step<C>(out, n / kLanes, nullptr);
      sinceAnchor_ += n / kLanes;
      return;
    }
    if (amplitude != amplitude_) {  // the lanes and what waits are scaled by it
      const float scale = amplitude_ != 0.0f ? amplitude / amplitude_ : 0.0f;
      for (std::uint32_t j = kLanes - waiting_; j < kLanes; ++j) group_[j] *= scale;
      amplitude_ = amplitude;
      anchored_ = false;
    }
    if (lead_ > 0) {  // the first group, started before sample 0: its first lead_ samples dropped
      run<1>(group_, 0, group_);  // no whole group: out is not written (nor offset from null)
      waiting_ = kLanes - lead_;
      lead_ = 0;
    }
    if (n <= waiting_ && n < kLanes) {  // (waiting_ < kLanes: the second says so to the compiler)
      give<C>(out, group_ + (kLanes - waiting_), n);
      waiting_ -= n;
      return;
    }
    if (waiting_ > 0) {
      give<C>(out, group_ + (kLanes - waiting_), waiting_);
      out += static_cast<std::size_t>(waiting_) * C;
      n -= waiting_;
    }
    // The whole groups, then (part of a group left) one more computed whole into group_: one
    // pass of the lanes, their state loaded and stored once per render().
    const std::uint32_t whole = n / kLanes, rest = n % kLanes;
    run<C>(out, whole, rest > 0 ? group_ : nullptr);
    give<C>(out + static_cast<std::size_t>(whole) * kLanes * C, group_, rest);
    waiting_ = rest > 0 ? kLanes - rest : 0;
  }

  // The AVX step where the CPU has it (configure() picks it; sine_oscillator_avx.hpp), else the
  // SSE2 one: the same bits. Tests call this after configure() to run either (with AVX-512 off).
  void useAvx(bool on) noexcept {
    avx_ = on && simd::kCpuHasAvx;
    avx512_ = avx512_ && avx_;
  }
  bool usesAvx() const noexcept { return avx_; }
  // The AVX-512 step where the CPU has it (configure() picks it over AVX): the same bits again.
  void useAvx512(bool on) noexcept {
    avx512_ = on && simd::kCpuHasAvx512;
    avx_ = avx_ || avx512_;
  }
  bool usesAvx512() const noexcept { return avx512_; }

 private:
  // count (< kLanes) samples of src to out, each on C channels: a few fixed-size moves, not a
  // loop (render() hands out part of a group at both ends of nearly every call).
  template <std::uint32_t C>
  static void give(float* out, const float* src, std::uint32_t count) noexcept {
    if constexpr (C == 1) {
      if (count & 8) std::memcpy(out, src, 8 * sizeof(float)), out += 8, src += 8;
      if (count & 4) std::memcpy(out, src, 4 * sizeof(float)), out += 4, src += 4;
      if (count & 2) std::memcpy(out, src, 2 * sizeof(float)), out += 2, src += 2;
      if (count & 1) *out = *src;
    } else {
      for (std::uint32_t q = 0; q < (count & 8) / 4; ++q) {
        const simd::F4 x = simd::F4::load(src);
        simd::dupLow(x).store(out), simd::dupHigh(x).store(out + 4);
        out += 8, src += 4;
      }
      if (count & 4) {
        const simd::F4 x = simd::F4::load(src);
        simd::dupLow(x).store(out), simd::dupHigh(x).store(out + 4);
        out += 8, src += 4;
      }
      for (std::uint32_t i = 0; i < (count & 3); ++i) out[2 * i] = out[2 * i + 1] = src[i];
    }
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

  // `groups` whole groups into out (each of kLanes samples), then with `tail` one more into it
  // (mono), anchored afresh every kAnchorGroups.
  template <std::uint32_t C>
  void run(float* out, std::uint32_t groups, float* tail) noexcept {
    for (;;) {
      if (!anchored_ || sinceAnchor_ == kAnchorGroups) anchor();
      const std::uint32_t room = kAnchorGroups - sinceAnchor_;
      if (groups < room) {  // all of them, the tail included, before the next anchor
        step<C>(out, groups, tail);
        sinceAnchor_ += groups + (tail ? 1 : 0);
        return;
      }
      step<C>(out, room, nullptr);
      sinceAnchor_ += room;
      out += static_cast<std::size_t>(room) * kLanes * C;
      groups -= room;
      if (groups == 0 && !tail) return;
    }
  }

  // `groups` whole groups into out, then with `tail` one more into it (mono), the lanes stepping on.
  template <std::uint32_t C>
  void step(float* out, std::uint32_t groups, float* tail) noexcept {
    if (recurrence_ && sine_oscillator_avx::kAvailable && avx512_) {
      sine_oscillator_avx::step512<C>(2.0 * stepCos_, cur_, prev_, out, groups, tail);
    } else if (recurrence_ && sine_oscillator_avx::kAvailable && avx_) {
      for (std::uint32_t h = 0; h < kLanes; h += kHalf)
        sine_oscillator_avx::step<C>(2.0 * stepCos_, cur_ + h, prev_ + h, out + h * C, groups, tail ? tail + h : nullptr,
                                     kLanes * C);
    } else if (recurrence_) {
      for (std::uint32_t h = 0; h < kLanes; h += kHalf)  // two independent halves of eight lanes
        stepHalf<C>(h, out + h * C, groups, tail ? tail + h : nullptr);
    } else {  // the phasor: near multiples of fs/32 only, scalar
      for (std::uint32_t g = 0; g < groups; ++g) turn<C>(out + static_cast<std::size_t>(g) * kLanes * C);
      if (tail) turn<1>(tail);
    }
  }

  // step() for lanes h .. h + 7 (their samples at out[l·C], groups kLanes·C apart; tail[0..7]), in
  // two-double vectors.
  template <std::uint32_t C>
  void stepHalf(std::uint32_t h, float* out, std::uint32_t groups, float* tail) noexcept {
    using simd::D2;
    const D2 k = D2::fill(2.0 * stepCos_);
    double* const cur = cur_ + h;
    double* const prev = prev_ + h;
    // Named, not arrays: GCC kept arrays of vectors on the stack, a load and a store per step.
    D2 c0 = D2::load(cur), c1 = D2::load(cur + 2), c2 = D2::load(cur + 4), c3 = D2::load(cur + 6);
    D2 p0 = D2::load(prev), p1 = D2::load(prev + 2), p2 = D2::load(prev + 4), p3 = D2::load(prev + 6);
    const auto put = [](D2 a, D2 b, D2 c, D2 d, float* o) {
      simd::storeAsFloats<C>(a, o), simd::storeAsFloats<C>(b, o + 2 * C);
      simd::storeAsFloats<C>(c, o + 4 * C), simd::storeAsFloats<C>(d, o + 6 * C);
    };
    std::uint32_t g = 0;
    // Two groups a turn, the new samples written over the ones two groups back (c and p swap
    // roles and swap back): fewer register copies.
    for (; g + 2 <= groups; g += 2, out += 2 * kLanes * C) {
      put(c0, c1, c2, c3, out);
      p0 = k * c0 - p0, p1 = k * c1 - p1, p2 = k * c2 - p2, p3 = k * c3 - p3;
      put(p0, p1, p2, p3, out + kLanes * C);
      c0 = k * p0 - c0, c1 = k * p1 - c1, c2 = k * p2 - c2, c3 = k * p3 - c3;
    }
    for (std::uint32_t last = (groups - g) + (tail ? 1 : 0); last > 0; --last) {  // 0, 1 or 2 more
      if (g < groups) {
        put(c0, c1, c2, c3, out), ++g, out += kLanes * C;
      } else {
        simd::storeAsFloats<1>(c0, tail), simd::storeAsFloats<1>(c1, tail + 2);
        simd::storeAsFloats<1>(c2, tail + 4), simd::storeAsFloats<1>(c3, tail + 6);
      }
      const D2 n0 = k * c0 - p0, n1 = k * c1 - p1, n2 = k * c2 - p2, n3 = k * c3 - p3;
      p0 = c0, p1 = c1, p2 = c2, p3 = c3;
      c0 = n0, c1 = n1, c2 = n2, c3 = n3;
    }
    c0.store(cur), c1.store(cur + 2), c2.store(cur + 4), c3.store(cur + 6);
    p0.store(prev), p1.store(prev + 2), p2.store(prev + 4), p3.store(prev + 6);
  }

  // One group of the phasor into out, its lanes turned on.
  template <std::uint32_t C>
  void turn(float* out) noexcept {
    for (std::uint32_t l = 0; l < kLanes; ++l) {
      const float v = static_cast<float>(cur_[l]);
      for (std::uint32_t ch = 0; ch < C; ++ch) out[l * C + ch] = v;
      const double r = re_[l] * stepCos_ - cur_[l] * stepSin_;
      cur_[l] = cur_[l] * stepCos_ + re_[l] * stepSin_;
      re_[l] = r;
    }
  }

  double inc_ = 0.0, groupInc_ = 0.0;
  double phase_ = 0.0;  // of the last anchor's group, in cycles
  double laneCos_[kLanes] = {}, laneSin_[kLanes] = {};
  double stepCos_ = 1.0, stepSin_ = 0.0;
  bool recurrence_ = false;
  bool avx_ = false;     // see useAvx()
  bool avx512_ = false;  // see useAvx512()
  float amplitude_ = 0.0f;
  double cur_[kLanes] = {}, prev_[kLanes] = {}, re_[kLanes] = {};
  bool anchored_ = false;
  std::uint32_t sinceAnchor_ = 0;  // groups since the last anchor
  float group_[kLanes] = {};  // a group computed whole; its last waiting_ samples not yet taken
  std::uint32_t waiting_ = 0;
  std::uint32_t lead_ = 0;  // see setLead(); 0 once the first render() has dropped them
};

}  // namespace ringmix::engine
