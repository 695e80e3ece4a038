// PeakHold: the compressor's level detector, the largest |x| of roughly the last `window` frames.
// Instant on the way up (a step up is seen on the sample it arrives), held on the way down, so a
// tone whose half period fits in the window reads its peak, steadily: a sine of amplitude A reads
// A like a square wave does, instead of a level that sags between peaks (a plain |x| detector
// reads a 1 kHz sine 1-2 dB low once attack/release smoothing averages its dips).
//
// Exact sliding maxima need a deque per sample; this keeps the running maximum of the current
// segment of S frames and the maxima of the last K whole segments, so the window spans between
// K·S and K·S + S - 1 frames, depending on where a change falls within a segment: a drop is seen
// delayFrames() (its mean) ± S/2 frames after it happens. One max per sample, K per segment.
// Real-time code: arithmetic on fixed-size members.
#pragma once

#include <algorithm>
#include <cstdint>

namespace ringmix::engine::dsp {

class PeakHold {
 public:
  static constexpr std::uint32_t kMaxSegments = 32;

  void configure(std::uint32_t segmentFrames, std::uint32_t segments) noexcept {
    seg_ = std::max<std::uint32_t>(segmentFrames, 1);
    k_ = std::clamp<std::uint32_t>(segments, 1, kMaxSegments);
    reset();
  }

  void reset() noexcept {
    std::fill(ring_, ring_ + kMaxSegments, 0.0f);
    cur_ = past_ = 0.0f;
    count_ = pos_ = 0;
  }

  // Takes one frame's |x| (already the max over its channels); returns the held level.
  float push(float a) noexcept {
    cur_ = std::max(cur_, a);
    const float held = std::max(cur_, past_);
    if (++count_ == seg_) {
      ring_[pos_] = cur_;
      pos_ = pos_ + 1 == k_ ? 0 : pos_ + 1;
      past_ = *std::max_element(ring_, ring_ + k_);
      cur_ = 0.0f;
      count_ = 0;
    }
    return held;
  }

  // How long after a drop the held level follows it, on average over where it falls.
  double delayFrames() const noexcept { return k_ * static_cast<double>(seg_) + (seg_ - 1) / 2.0; }

 private:
  float ring_[kMaxSegments]{};
  float cur_ = 0.0f, past_ = 0.0f;
  std::uint32_t seg_ = 1, k_ = 1, count_ = 0, pos_ = 0;
};

}  // namespace ringmix::engine::dsp
