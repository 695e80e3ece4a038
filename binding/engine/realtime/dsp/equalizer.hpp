// Equalizer: low shelf → peaking mid → high shelf (RBJ cookbook designs, biquad.hpp). A band at
// 0 dB is the identity and is left out of the cascade, so a flat EQ costs what a bypassed one
// does; bands keep their roles across changes, so one coming or going fades in from the real
// signal (crossfade_chain.hpp). Changes crossfade over smoothFrames. Real-time code.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/realtime/dsp/biquad.hpp"
#include "engine/realtime/dsp/crossfade_chain.hpp"
#include "engine/realtime/dsp/strip_params.hpp"

namespace ringmix::engine::dsp {

class Equalizer {
 public:
  enum Band { kLow = 0, kMid = 1, kHigh = 2 };

  static BiquadCoefs bandCoefs(double fs, Band band, const EqBand& b) noexcept {
    const double f0 = biquad::safeFrequency(fs, b.frequency), g = biquad::safeGainDb(b.gainDb), q = biquad::safeQ(b.q);
    switch (band) {
      case kLow: return biquad::lowShelf(fs, f0, g, q);
      case kMid: return biquad::peaking(fs, f0, g, q);
      default: return biquad::highShelf(fs, f0, g, q);
    }
  }

  static BiquadChain design(double sampleRate, const EqParams& p) noexcept {
    BiquadChain c;
    if (!p.enabled) return c;
    const EqBand* bands[3] = {&p.low, &p.mid, &p.high};
    for (int b = kLow; b <= kHigh; ++b) {
      if (!(std::fabs(bands[b]->gainDb) > 0.0)) continue;  // 0 dB (or NaN): the identity, left out
      c.addSection(bandCoefs(sampleRate, static_cast<Band>(b), *bands[b]), b);
    }
    return c;
  }

  void configure(double sampleRate, std::uint32_t channels, std::uint32_t smoothFrames) noexcept {
    fs_ = sampleRate;
    chain_.configure(channels, smoothFrames);
    chain_.retarget(design(fs_, params_));
    chain_.reset();
  }

  void set(const EqParams& p) noexcept {
    params_ = p;
    chain_.retarget(design(fs_, p));
  }
  const EqParams& params() const noexcept { return params_; }

  void process(float* io, std::uint32_t frames) noexcept { chain_.process(io, frames); }
  void reset() noexcept { chain_.reset(); }

  const BiquadChain& current() const noexcept { return chain_.current(); }
  bool bypassed() const noexcept { return chain_.bypassed(); }
  void keepLast(const float* io, std::uint32_t frames) noexcept { chain_.keepLast(io, frames); }  // see CrossfadeChain

 private:
  double fs_ = 48000.0;
  EqParams params_{};
  CrossfadeChain chain_;
};

}  // namespace ringmix::engine::dsp
