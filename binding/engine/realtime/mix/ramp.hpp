// LinearRamp: a parameter that glides to its target over a fixed number of frames, so gain, pan
// and mute changes take effect on the next cycle without zipper noise or clicks.
// Real-time code: arithmetic on its own members only.
#pragma once

#include <cstdint>

namespace ringmix::engine {

class LinearRamp {
 public:
  void reset(float value) noexcept {
    current_ = target_ = value;
    step_ = 0.0f;
    remaining_ = 0;
  }

  // Starts a ramp from the current value; a new target mid-ramp restarts from where it is.
  void setTarget(float target, std::uint32_t frames) noexcept {
    if (target == target_) return;
    target_ = target;
    if (frames == 0) {
      current_ = target;
      remaining_ = 0;
      return;
    }
    step_ = (target - current_) / static_cast<float>(frames);
    remaining_ = frames;
  }

  float next() noexcept {
    if (remaining_ != 0) {
      current_ += step_;
      if (--remaining_ == 0) current_ = target_;  // land exactly, whatever rounding did
    }
    return current_;
  }

  bool settled() const noexcept { return remaining_ == 0; }
  float current() const noexcept { return current_; }
  float target() const noexcept { return target_; }

 private:
  float current_ = 0.0f;
  float target_ = 0.0f;
  float step_ = 0.0f;
  std::uint32_t remaining_ = 0;
};

}  // namespace ringmix::engine
