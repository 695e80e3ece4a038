// ClockDll: a delay-locked loop that turns a device's (time, frame count) observations, which
// arrive with callback jitter and in bursts, into a smooth straight line: frames as a function of
// time, and the device's true rate. Second order (it follows a constant rate with no error),
// with observations at any interval, so bursty and irregular callbacks are fine. The bandwidth is
// set by the caller: wide to lock quickly, narrow once locked to reject jitter (the JACK/zita
// approach). A step in its line (frames lost in an xrun, which the device reports) is not for
// it to follow: the caller restarts it (restartKeepingRate), as JACK resets its DLL on an xrun.
// Real-time code: arithmetic only.
#pragma once

#include <cmath>
#include <cstdint>

namespace ringmix::engine {

class ClockDll {
 public:
  // nominalRate: the device's rate in frames per second, the first guess of the slope.
  explicit ClockDll(double nominalRate = 48000.0) noexcept : nominalRate_(nominalRate) {}

  void reset(double nominalRate) noexcept {
    nominalRate_ = nominalRate;
    initialised_ = false;
  }
  // Starts again from the next observation, keeping the rate estimate (a re-sync: the device's
  // position jumped but its crystal did not change).
  void restartKeepingRate() noexcept {
    if (initialised_) keepRate_ = rate_;
    initialised_ = false;
  }

  void setBandwidth(double hz) noexcept { omega_ = 2.0 * 3.14159265358979323846 * hz; }

  // An observation: the device had delivered `frames` in total at `timeNs`.
  void update(std::int64_t timeNs, double frames) noexcept {
    if (!initialised_) {
      originNs_ = timeNs;
      t0_ = 0.0;
      f0_ = frames;
      rate_ = keepRate_ > 0.0 ? keepRate_ : nominalRate_ * 1e-9;
      keepRate_ = 0.0;
      initialised_ = true;
      return;
    }
    const double t = static_cast<double>(timeNs - originNs_);
    const double dt = t - t0_;
    if (dt <= 0.0) return;  // the same instant again: nothing to learn from it
    const double predicted = f0_ + rate_ * dt;
    const double e = frames - predicted;
    // Loop gains for a critically damped second-order loop over this interval; capped so that a
    // long gap (a stalled device) cannot make the loop overshoot.
    const double wdt = std::fmin(omega_ * dt * 1e-9, 0.5);
    f0_ = predicted + 1.4142135623730951 * wdt * e;
    rate_ += wdt * wdt * e / dt;
    t0_ = t;
  }

  bool initialised() const noexcept { return initialised_; }
  // Frames the device had delivered at `timeNs`, on the smoothed line.
  double framesAt(std::int64_t timeNs) const noexcept {
    return f0_ + rate_ * (static_cast<double>(timeNs - originNs_) - t0_);
  }
  // When the smoothed line reaches `frames` (the inverse of framesAt).
  std::int64_t timeAt(double frames) const noexcept {
    return originNs_ + static_cast<std::int64_t>(std::llround(t0_ + (frames - f0_) / rate_));
  }
  // Frames per second, as measured.
  double rate() const noexcept { return rate_ * 1e9; }
  double nominalRate() const noexcept { return nominalRate_; }

 private:
  double nominalRate_;
  double omega_ = 2.0 * 3.14159265358979323846;
  bool initialised_ = false;
  std::int64_t originNs_ = 0;  // times are kept relative to this, so doubles keep sub-ns precision
  double t0_ = 0.0;            // ns since origin of the last observation
  double f0_ = 0.0;            // smoothed frame count at t0_
  double rate_ = 0.0;          // frames per ns
  double keepRate_ = 0.0;
};

}  // namespace ringmix::engine
