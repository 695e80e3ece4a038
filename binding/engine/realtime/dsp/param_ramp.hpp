// ParamRamp: a value that glides linearly to its target over a fixed number of frames (makeup
// gain in dB, a block's enable/disable mix). Double precision, so long ramps land where they
// aim. The DSP blocks' own copy of mix/ramp.hpp's idea, keeping dsp/ free of the mix folder.
// Real-time code: arithmetic on its own members.
#pragma once

#include <cstdint>

namespace ringmix::engine::dsp {

class ParamRamp {
 public:
  void reset(double value) noexcept {
    current_ = target_ = value;
    remaining_ = 0;
  }

  // Starts from the current value; a new target mid-ramp restarts from where it is.
  void setTarget(double target, std::uint32_t frames) noexcept {
    if (target == target_) return;
    target_ = target;
    if (frames == 0) {
      reset(target);
      return;
    }
    step_ = (target - current_) / frames;
    remaining_ = frames;
  }

  double next() noexcept {
    if (remaining_ != 0) {
      current_ += step_;
      if (--remaining_ == 0) current_ = target_;  // land exactly, whatever rounding did
    }
    return current_;
  }

  bool settled() const noexcept { return remaining_ == 0; }
  double current() const noexcept { return current_; }
  double target() const noexcept { return target_; }

 private:
  double current_ = 0.0, target_ = 0.0, step_ = 0.0;
  std::uint32_t remaining_ = 0;
};

}  // namespace ringmix::engine::dsp
