// Two running statistics over the last `length` values of a stream, in fixed arrays, for the
// limiter's gain computer:
//   SlidingMinimum: the smallest (a monotone queue: each value enters and leaves once, so a push
//                   costs O(1) amortised, and a block of n pushes at most 2n steps);
//   MovingAverage:  the mean (a running sum; re-added from the stored values once per lap, so
//                   rounding cannot drift over hours).
// Real-time code: no allocation.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace ringmix::engine {

template <std::uint32_t kCapacity>
class SlidingMinimum {
 public:
  void configure(std::uint32_t length, float fill) noexcept {
    length_ = std::clamp<std::uint32_t>(length, 1, kCapacity - 1);
    reset(fill);
  }
  // As if the window were full of `fill`.
  void reset(float fill) noexcept {
    head_ = tail_ = 0;
    now_ = 0;
    value_[0] = fill;
    time_[0] = 0;
    tail_ = 1;
  }
  float push(float v) noexcept {
    ++now_;
    // Older values not smaller than v can never be the minimum again.
    while (tail_ != head_ && !(value_[(tail_ - 1) % kCapacity] < v)) --tail_;
    value_[tail_ % kCapacity] = v;
    time_[tail_ % kCapacity] = now_;
    ++tail_;
    if (time_[head_ % kCapacity] + length_ <= now_) ++head_;  // left the window
    return value_[head_ % kCapacity];
  }
  std::uint32_t length() const noexcept { return length_; }

 private:
  std::array<float, kCapacity> value_{};
  std::array<std::uint64_t, kCapacity> time_{};
  std::uint64_t head_ = 0, tail_ = 0;  // queue positions (slot = position % kCapacity)
  std::uint64_t now_ = 0;
  std::uint32_t length_ = 1;
};

template <std::uint32_t kCapacity>
class MovingAverage {
 public:
  void configure(std::uint32_t length, float fill) noexcept {
    length_ = std::clamp<std::uint32_t>(length, 1, kCapacity);
    inverse_ = 1.0 / length_;
    reset(fill);
  }
  void reset(float fill) noexcept {
    std::fill(values_.begin(), values_.begin() + length_, fill);
    sum_ = static_cast<double>(fill) * length_;
    next_ = 0;
  }
  float push(float v) noexcept {
    sum_ += static_cast<double>(v) - values_[next_];
    values_[next_] = v;
    if (++next_ == length_) {
      next_ = 0;
      double s = 0.0;
      for (std::uint32_t i = 0; i < length_; ++i) s += values_[i];
      sum_ = s;
    }
    return static_cast<float>(sum_ * inverse_);
  }
  std::uint32_t length() const noexcept { return length_; }

 private:
  std::array<float, kCapacity> values_{};
  double sum_ = 0.0;
  double inverse_ = 1.0;
  std::uint32_t next_ = 0;
  std::uint32_t length_ = 1;
};

}  // namespace ringmix::engine
