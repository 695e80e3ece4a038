// DriftLoop: keeps one ring between two clocks at a steady fill by steering a resampler's ratio.
// It runs on the ring's consumer side, once per consumer step (a mix cycle for an input, a device
// buffer for an extra output):
//   - the producer's (time, frames) stamps go through a ClockDll, so the fill can be estimated at
//     any instant without the producer's callback jitter and bursts;
//   - the consumer passes its own smoothed time and measured rate (its own ClockDll);
//   - the ratio = the measured rate ratio (feed-forward) corrected by a PI controller on the fill
//     error (anti-windup, clamped to ±maxSkew);
//   - the DLL runs wide until the fill settles, then narrow; `locked` says the fill holds;
//   - an error past `resyncFrames` asks the caller for one hard re-sync (drop or wait back to
//     the target), which it counts: never a silent jump.
// Real-time code: arithmetic only.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/realtime/drift/clock_dll.hpp"

namespace ringmix::engine {

struct DriftSettings {
  double producerRate = 48000.0;  // nominal frames per second of the ring's producer
  double consumerRate = 48000.0;  // nominal frames per second of its consumer
  double targetFrames = 512.0;    // producer frames to keep in the ring at each consumer step
  double resyncFrames = 4096.0;   // |fill error| past which the ring is re-synced
  double maxSkew = 0.005;         // the ratio's range around nominal (±5000 ppm)
};

class DriftLoop {
 public:
  void configure(const DriftSettings& s) noexcept {
    s_ = s;
    producer_.reset(s.producerRate);
    nominalRatio_ = s.producerRate / s.consumerRate;
    kp_ = 1.0 / (s.producerRate * kTauSeconds);
    ki_ = kp_ / (4.0 * kTauSeconds);
    integral_ = 0.0;
    skew_ = 0.0;
    restart();
  }

  // After a re-sync (or at the start): measure afresh, wide, keeping what was learnt of the rate.
  void restart() noexcept {
    producer_.restartKeepingRate();
    started_ = false;
    locked_ = false;
    goodSinceNs_ = -1;
  }

  // A producer stamp: it had delivered `frames` in total at `timeNs`.
  void observeProducer(std::int64_t timeNs, double frames) noexcept { producer_.update(timeNs, frames); }

  struct Step {
    double ratio;  // producer frames per consumer frame for this step
    bool resync;   // the fill is beyond repair by resampling: re-sync, then restart()
  };

  // One consumer step at (smoothed) time `nowNs`; the consumer's measured rate in frames per
  // second; `consumed`: producer frames taken from the ring so far.
  Step step(std::int64_t nowNs, double consumerRate, double consumed) noexcept {
    if (!producer_.initialised()) return {ratio(), false};
    const double fill = producer_.framesAt(nowNs) - consumed;
    if (!started_) {
      // The set point: the fill found at the start (the caller primes so that it is the target),
      // so that two clocks that agree are left untouched: no resampling transient at all.
      setPoint_ = std::fmin(fill, s_.targetFrames * 1.5);
      started_ = true;
      lastNs_ = nowNs;
      startNs_ = nowNs;
      lostNs_ = nowNs - 10'000'000'000;
      meanError_ = 0.0;
    }
    const double dt = static_cast<double>(nowNs - lastNs_) * 1e-9;
    lastNs_ = nowNs;
    fill_ = fill;
    const double error = fill - setPoint_;
    // Feed-forward: the measured rates (kept up to date even when about to re-sync, so that the
    // estimate of the clock's skew stays true for an input that only measures).
    const double measured = consumerRate > 0.0 ? producer_.rate() / consumerRate / nominalRatio_ - 1.0 : 0.0;
    const double ff = std::fmax(-s_.maxSkew, std::fmin(s_.maxSkew, measured));
    measured_ = ff;
    estimate_ = ff + integral_;
    const double sinceStart = static_cast<double>(nowNs - startNs_) * 1e-9;
    const double sinceLost = static_cast<double>(nowNs - lostNs_) * 1e-9;
    producer_.setBandwidth(sinceStart < 1.0 ? 1.0 : (sinceStart < 4.0 || sinceLost < 3.0) ? 0.25 : 0.05);
    if (std::fabs(error) > s_.resyncFrames) return {ratio(), true};

    // Bandwidth: wide for a second after a (re)start, then narrowing; after losing lock (the
    // device's rate stepped), medium for a few seconds to follow the new rate.
    // Feedback: PI on the fill error.
    double skew = ff + integral_ + kp_ * error;
    const bool saturated = skew > s_.maxSkew || skew < -s_.maxSkew;
    skew = std::fmax(-s_.maxSkew, std::fmin(s_.maxSkew, skew));
    if (!saturated || (error > 0) != (skew > 0))  // anti-windup: no integrating into the clamp
      integral_ = std::fmax(-s_.maxSkew, std::fmin(s_.maxSkew, integral_ + ki_ * error * dt));
    skew_ = skew;
    estimate_ = ff + integral_;

    // Lock, judged on the error averaged over ~a quarter second (callback jitter averages out):
    // held within kLockFrames for half a second; lost past kUnlockFrames.
    meanError_ += (error - meanError_) * std::fmin(1.0, dt / 0.25);
    const double ae = std::fabs(meanError_);
    if (ae <= kLockFrames) {
      if (goodSinceNs_ < 0) goodSinceNs_ = nowNs;
      if (nowNs - goodSinceNs_ >= 500'000'000 && sinceStart >= 1.0) locked_ = true;
    } else {
      goodSinceNs_ = -1;
      if (ae > kUnlockFrames) {
        if (locked_) lostNs_ = nowNs;
        locked_ = false;
      }
    }
    return {ratio(), false};
  }

  double ratio() const noexcept { return nominalRatio_ * (1.0 + skew_); }
  double nominalRatio() const noexcept { return nominalRatio_; }
  // The producer's clock against the consumer's, in ppm (measured rate plus the integrator).
  double clockPpm() const noexcept { return estimate_ * 1e6; }
  // The same from the measured rates alone (for a ring that is only measured, not steered).
  double measuredPpm() const noexcept { return measured_ * 1e6; }
  bool locked() const noexcept { return locked_; }
  bool started() const noexcept { return started_; }
  // Producer frames in the ring at the last step, on the smoothed line.
  double fillFrames() const noexcept { return fill_; }
  double setPoint() const noexcept { return setPoint_; }

 private:
  static constexpr double kTauSeconds = 1.0;  // how fast a fill error is worked off
  static constexpr double kLockFrames = 4.0;
  static constexpr double kUnlockFrames = 24.0;

  DriftSettings s_;
  ClockDll producer_;
  double nominalRatio_ = 1.0;
  double kp_ = 0.0, ki_ = 0.0;
  double integral_ = 0.0;
  double skew_ = 0.0;
  double estimate_ = 0.0;
  double measured_ = 0.0;
  double setPoint_ = 0.0;
  double fill_ = 0.0;
  bool started_ = false;
  bool locked_ = false;
  std::int64_t lastNs_ = 0;
  std::int64_t goodSinceNs_ = -1;
  std::int64_t startNs_ = 0;
  std::int64_t lostNs_ = 0;
  double meanError_ = 0.0;
};

}  // namespace ringmix::engine
