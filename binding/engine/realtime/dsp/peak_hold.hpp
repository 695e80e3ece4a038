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
// process() does the same a block at a time and reports only the frames where the held level
// changes: a chunk of a segment whose maximum stays under the past segments' holds their level
// throughout (the common case: a new peak is rare), so it costs one vectorised max, no per-frame work.
// Real-time code: arithmetic on fixed-size members.
#pragma once

#include <algorithm>
#include <cstdint>

#include "engine/realtime/dsp/simd.hpp"

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
      endSegment();
    }
    return held;
  }

  // push() over n frames' levels a[], reporting only the frames where the held level differs
  // from the previous frame's (`last` on entry: the level before a[0]; on return: a[n-1]'s):
  // their indices in at[] and levels in held[] (room for n each). Returns how many.
  std::uint32_t process(const float* a, std::uint32_t n, float& last, std::uint32_t* at, float* held) noexcept {
    std::uint32_t changes = 0;
    float prev = last;
    for (std::uint32_t f = 0; f < n;) {
      const std::uint32_t m = std::min(n - f, seg_ - count_);  // this segment's frames in a[]
      const float top = runningMax(a + f, m, cur_);
      if (!(top > past_)) {  // every frame's max(cur, past) is past: held level constant
        if (past_ != prev) {
          at[changes] = f;
          held[changes++] = prev = past_;
        }
        cur_ = top;
      } else {
        float cur = cur_;
        for (std::uint32_t i = f; i < f + m; ++i) {
          cur = std::max(cur, a[i]);
          const float h = std::max(cur, past_);
          if (h != prev) {
            at[changes] = i;
            held[changes++] = prev = h;
          }
        }
        cur_ = cur;
      }
      f += m;
      count_ += m;
      if (count_ == seg_) {
        ring_[pos_] = cur_;
        endSegment();
      }
    }
    last = prev;
    return changes;
  }

  // How long after a drop the held level follows it, on average over where it falls.
  double delayFrames() const noexcept { return k_ * static_cast<double>(seg_) + (seg_ - 1) / 2.0; }

 private:
  // The ring's maximum; slots from k_ on stay 0 (reset()), and a max of levels ≥ 0 with no NaN
  // (std::max never lets one into cur_) is the same in any order, so four lanes at a time.
  void endSegment() noexcept {
    pos_ = pos_ + 1 == k_ ? 0 : pos_ + 1;
    simd::F4 m = simd::F4::zero();
    for (std::uint32_t i = 0; i < k_; i += 4) m = simd::maxInto(simd::F4::load(ring_ + i), m);
    past_ = lanesMax(m);
    cur_ = 0.0f;
    count_ = 0;
  }

  static float lanesMax(simd::F4 m) noexcept {
    alignas(16) float l[4];
    m.store(l);
    return std::max(std::max(l[0], l[1]), std::max(l[2], l[3]));
  }

  // std::max(std::max(from, a[0]), a[1])... : a NaN level is skipped, as push() skips it.
  static float runningMax(const float* a, std::uint32_t n, float from) noexcept {
    std::uint32_t i = 0;
    if (n >= 4) {
      simd::F4 m = simd::F4::fill(from);
      for (; i + 4 <= n; i += 4) m = simd::maxInto(simd::F4::load(a + i), m);
      from = lanesMax(m);
    }
    for (; i < n; ++i) from = std::max(from, a[i]);
    return from;
  }

  float ring_[kMaxSegments]{};
  float cur_ = 0.0f, past_ = 0.0f;
  std::uint32_t seg_ = 1, k_ = 1, count_ = 0, pos_ = 0;
};

}  // namespace ringmix::engine::dsp
