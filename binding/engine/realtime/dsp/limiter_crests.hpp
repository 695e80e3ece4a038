// IntervalCrests: step 1 of the true-peak limiter's gain computer (limiter.hpp), the peak of each
// interval between two input samples, read from the 4x values (TruePeakDetector) spanning it: the
// largest of the five, where a value that is a local extremum is raised to the vertex of the
// parabola through it and its two neighbours (the crest between 4x values). In a file of its own
// so the limiter's stays readable. Real-time code: arithmetic on inline arrays.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "engine/realtime/dsp/true_peak.hpp"

namespace ringmix::engine {

class IntervalCrests {
 public:
  static constexpr std::uint32_t kMaxChannels = TruePeakDetector::kMaxChannels;
  static constexpr std::uint32_t kFactor = TruePeakDetector::kFactor;

  void reset() noexcept {
    last_.fill(0.0f);
    partial_ = 0.0f;
  }

  // Given the 4 new oversampled values per channel (positions 4k .. 4k+3 of a frame k), returns
  // the peak of interval k-1 (positions 4k-4 .. 4k) and keeps the first part of interval k.
  // The crests are computed without branches: data-dependent branches here mispredict on every
  // other sample of noisy material (10 % of the limiter's time, measured).
  float push(const float* ov, std::uint32_t channels) noexcept {
    float previous = partial_, next = 0.0f;
    for (std::uint32_t c = 0; c < channels; ++c) {
      const float* v = ov + c * kFactor;
      // Positions 4k-1, 4k (ends k-1, starts k), 4k+1, 4k+2, each with its two neighbours.
      const float a[4] = {last_[2 * c], last_[2 * c + 1], v[0], v[1]};
      const float b[4] = {last_[2 * c + 1], v[0], v[1], v[2]};
      const float n[4] = {v[0], v[1], v[2], v[3]};
      float crest[4];
      for (int i = 0; i < 4; ++i) crest[i] = refine(a[i], b[i], n[i]);
      previous = std::max(previous, std::max(crest[0], crest[1]));
      next = std::max(next, std::max(crest[1], std::max(crest[2], crest[3])));
      last_[2 * c] = v[2];
      last_[2 * c + 1] = v[3];
    }
    partial_ = next;
    return previous;
  }

  // Takes the previous frame's values as if push() had seen them (a quiet chunk skips its frames'
  // intervals, all below the ceiling, but the next one needs their last positions).
  void seed(const float* before, std::uint32_t channels) noexcept {
    for (std::uint32_t c = 0; c < channels; ++c) {
      last_[2 * c] = before[c * kFactor + 2];
      last_[2 * c + 1] = before[c * kFactor + 3];
    }
  }

  // The largest crest what is kept can still make (the open interval's peak, and 1.5x the kept
  // values, see refine()): below the ceiling, the next interval's peak depends on the new values.
  float pending(std::uint32_t channels) const noexcept {
    float m = partial_ / 1.5f;
    for (std::uint32_t i = 0; i < 2 * channels; ++i) {
      const float a = std::fabs(last_[i]);
      m = a > m ? a : m;
    }
    return 1.5f * m;
  }

  // Magnitude of the crest near oversampled value b, given its neighbours a and c: |b|, or the
  // vertex of the parabola through the three when b is a local extremum. The vertex is at most
  // 1.5 |b| whatever the neighbours, so nothing numeric can run away here.
  static float refine(float a, float b, float c) noexcept {
    const float mb = std::fabs(b);
    const float den = a - 2.0f * b + c;
    // A crest: |b| not below its neighbours and the parabola opening away from zero. (Bitwise &
    // on ints, not &&: no branch.)
    const bool crest = (static_cast<int>(mb >= std::fabs(a)) & static_cast<int>(mb >= std::fabs(c)) &
                        static_cast<int>(b * den < 0.0f)) != 0;
    const float d = c - a;
    const float vertex = std::fabs(b - d * d / (8.0f * (crest ? den : -1.0f)));
    return crest ? vertex : mb;
  }

 private:
  std::array<float, 2 * kMaxChannels> last_{};  // per channel, the previous frame's positions 4k-2, 4k-1
  float partial_ = 0.0f;                        // peak of the interval begun by the previous frame
};

}  // namespace ringmix::engine
