// HighPass: the strip's low-cut. 12 dB/octave is one Butterworth section (Q = 1/√2); 24 dB/octave
// is the 4th-order Butterworth as two sections with Qs 1/(2·cos(π/8)) ≈ 0.5412 and
// 1/(2·cos(3π/8)) ≈ 1.3066 (the prototype's pole pairs), so both slopes are -3.01 dB at the set
// frequency and maximally flat above it. Changes (frequency, slope, on/off) crossfade over
// smoothFrames (crossfade_chain.hpp). Real-time code; disabled and settled, process() returns at once.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/realtime/dsp/biquad.hpp"
#include "engine/realtime/dsp/crossfade_chain.hpp"
#include "engine/realtime/dsp/strip_params.hpp"

namespace ringmix::engine::dsp {

class HighPass {
 public:
  static BiquadChain design(double sampleRate, const HighPassParams& p) noexcept {
    BiquadChain c;
    if (!p.enabled) return c;
    const double f0 = biquad::safeFrequency(sampleRate, p.frequency);
    if (p.slope == 24) {
      c.addSection(biquad::highPass(sampleRate, f0, 1.0 / (2.0 * std::cos(biquad::kPi / 8.0))), 0);
      c.addSection(biquad::highPass(sampleRate, f0, 1.0 / (2.0 * std::cos(3.0 * biquad::kPi / 8.0))), 1);
    } else {
      c.addSection(biquad::highPass(sampleRate, f0, 1.0 / std::sqrt(2.0)), 0);
    }
    return c;
  }

  void configure(double sampleRate, std::uint32_t channels, std::uint32_t smoothFrames) noexcept {
    fs_ = sampleRate;
    chain_.configure(channels, smoothFrames);
    chain_.retarget(design(fs_, params_));
    chain_.reset();
  }

  void set(const HighPassParams& p) noexcept {
    params_ = p;
    chain_.retarget(design(fs_, p));
  }
  const HighPassParams& params() const noexcept { return params_; }

  void process(float* io, std::uint32_t frames) noexcept { chain_.process(io, frames); }
  void reset() noexcept { chain_.reset(); }

  // The sections in use (for tests and metering): empty when bypassed.
  const BiquadChain& current() const noexcept { return chain_.current(); }
  bool bypassed() const noexcept { return chain_.bypassed(); }
  void keepLast(const float* io, std::uint32_t frames) noexcept { chain_.keepLast(io, frames); }  // see CrossfadeChain

 private:
  double fs_ = 48000.0;
  HighPassParams params_{};
  CrossfadeChain chain_;
};

}  // namespace ringmix::engine::dsp
