// CrossfadeChain: a BiquadChain whose design changes without clicks. A new design does not
// replace the running filter's coefficients (that jumps the output and, at low frequencies and
// high Q, rings); instead the new chain starts from the running one's signal history
// (warmStartFrom) and both run side by side while the output crossfades from the old filter's
// output to the new one's over `fadeFrames` (weights w and 1 - w, w a smoothstep). The two outputs
// are the same signal filtered two ways, highly correlated, so an equal-gain crossfade (weights
// summing to 1) keeps the level steady.
// Both filters are fixed and stable throughout, so the fade is stable whatever the designs.
//
// Bypass is the empty chain (no sections), so enabling and disabling fade the same way. A design
// that arrives during a fade waits (the newest replaces any other waiting one) and starts its own
// fade when the current one ends: nothing is cut short, so nothing clicks; a change takes effect
// within two fades at most. fadeFrames = 0 switches coefficients at once (history kept): the
// click a crossfade avoids, which the tests measure against.
//
// Real-time code: arithmetic on fixed-size members and a small stack buffer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "engine/realtime/dsp/biquad_chain.hpp"

namespace ringmix::engine::dsp {

class CrossfadeChain {
 public:
  static constexpr std::uint32_t kSubBlock = 64;  // frames per crossfade step (stack buffer)

  void configure(std::uint32_t channels, std::uint32_t fadeFrames) noexcept {
    channels_ = channels == 2 ? 2 : 1;
    fadeFrames_ = fadeFrames;
    fading_ = hasPending_ = false;
    cur_.clearSections();
    cur_.clearHistory();
  }

  // Moves to `design` (coefficients; its histories are ignored).
  void retarget(const BiquadChain& design) noexcept {
    if (fading_) {
      // Back to the design already fading in: forget anything waiting.
      hasPending_ = !design.sameDesign(next_);
      if (hasPending_) pending_.copyDesign(design);
      return;
    }
    if (design.sameDesign(cur_)) return;
    if (fadeFrames_ == 0) {
      BiquadChain old = cur_;
      cur_.copyDesign(design);
      cur_.warmStartFrom(old);
      return;
    }
    startFade(design);
  }

  // Silence in every history and any fade finished (the newest design in place).
  void reset() noexcept {
    if (fading_) cur_.copyDesign(hasPending_ ? pending_ : next_);
    fading_ = hasPending_ = false;
    cur_.clearHistory();
  }

  // True when the output is the input and stays so: the caller's early return.
  bool idle() const noexcept { return !fading_ && cur_.sections() == 0; }
  bool fading() const noexcept { return fading_; }
  const BiquadChain& current() const noexcept { return cur_; }
  // No section and no fade: process() leaves the signal as it is.
  bool bypassed() const noexcept { return !fading_ && cur_.sections() == 0; }
  // process() while bypassed(): keeps the last input frames (a warm start's history), inline.
  void keepLast(const float* io, std::uint32_t frames) noexcept { cur_.keepLast(io, frames, channels_); }

  void process(float* io, std::uint32_t frames) noexcept {
    while (fading_ && frames > 0) {
      const std::uint32_t n = std::min({frames, kSubBlock, fadeFrames_ - fadePos_});
      const std::size_t samples = static_cast<std::size_t>(n) * channels_;
      float fresh[kSubBlock * 2];
      std::memcpy(fresh, io, samples * sizeof(float));
      next_.process(fresh, n, channels_);
      cur_.process(io, n, channels_);
      // Weight of the new output: smoothstep of t = (pos + 1) / fadeFrames, reaching exactly 1 on
      // the fade's last frame, where the new chain alone takes over with nothing to jump. Its
      // slope is zero at both ends: a linear fade's kinks change the output's slope by
      // (new - old) / fadeFrames at once, which a high-pass of the output shows as a tick.
      const double step = 1.0 / fadeFrames_;
      for (std::uint32_t f = 0; f < n; ++f) {
        const double t = (fadePos_ + f + 1) * step;
        const auto w = static_cast<float>(t * t * (3.0 - 2.0 * t));
        for (std::uint32_t ch = 0; ch < channels_; ++ch) {
          float& out = io[f * channels_ + ch];
          out += w * (fresh[f * channels_ + ch] - out);
        }
      }
      fadePos_ += n;
      io += samples;
      frames -= n;
      if (fadePos_ == fadeFrames_) finishFade();
    }
    if (frames > 0) cur_.process(io, frames, channels_);
  }

 private:
  void startFade(const BiquadChain& design) noexcept {
    next_.copyDesign(design);
    next_.warmStartFrom(cur_);
    fadePos_ = 0;
    fading_ = true;
  }

  void finishFade() noexcept {
    cur_ = next_;
    fading_ = false;
    if (hasPending_) {
      hasPending_ = false;
      if (!pending_.sameDesign(cur_)) startFade(pending_);
    }
  }

  BiquadChain cur_, next_, pending_;
  std::uint32_t channels_ = 2;
  std::uint32_t fadeFrames_ = 0;
  std::uint32_t fadePos_ = 0;
  bool fading_ = false;
  bool hasPending_ = false;
};

}  // namespace ringmix::engine::dsp
