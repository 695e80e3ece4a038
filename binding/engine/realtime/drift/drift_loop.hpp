// DriftLoop: keeps one ring between two clocks at a steady fill by steering a resampler's ratio.
// It runs on the ring's consumer side, once per consumer step (a mix cycle for an input, a device
// buffer for an extra output):
//   - the producer's (time, frames) stamps go through a ClockDll, so the fill can be estimated at
//     any instant without the producer's callback jitter and bursts;
//   - the consumer passes its own smoothed time and measured rate (its own ClockDll);
//   - the ratio comes from a PI controller on the estimated fill's error (anti-windup, clamped to
//     ±maxSkew); its integrator converges on the clock's offset, which is reported as clockPpm;
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
  // The consumer's own callbacks are too irregular to time (a sound server calling back in
  // bursts): take its raw time, measure the fill against the producer's straight line (which
  // removes the sawtooth of the two clocks' phases slipping past each other), average that over
  // a second (which removes the callbacks' jitter), and steer more slowly.
  bool averageFill = false;
};

class DriftLoop {
 public:
  void configure(const DriftSettings& s) noexcept {
    s_ = s;
    limit_ = s.maxSkew;
    producer_.reset(s.producerRate);
    nominalRatio_ = s.producerRate / s.consumerRate;
    const double tau = s.averageFill ? kAveragedTauSeconds : kTauSeconds;
    kp_ = 1.0 / (s.producerRate * tau);
    ki_ = kp_ / (4.0 * tau);
    integral_ = 0.0;
    skew_ = 0.0;
    restart();
  }

  // The measurements went wrong: the producer's line starts afresh (keeping its rate), and so does
  // the set point's timing, but not the set point itself nor the integrator.
  void remeasure() noexcept {
    producer_.restartKeepingRate();
    startNs_ = lastNs_;
    goodSinceNs_ = -1;
    remeasuring_ = true;
  }

  // After a re-sync (or at the start): measure afresh, wide, keeping what was learnt of the rate.
  void restart() noexcept {
    producer_.restartKeepingRate();
    started_ = false;
    locked_ = false;
    goodSinceNs_ = badSinceNs_ = -1;
  }

  // A producer stamp: it had delivered `frames` in total at `timeNs`, after `breaks` discontinuities
  // (see ClockStampValue): a new one restarts its line, keeping the rate.
  void observeProducer(std::int64_t timeNs, double frames, std::uint32_t breaks) noexcept {
    if (!producer_.initialised() && !started_) breaksSeen_ = breaks;
    if (breaks != breaksSeen_) {
      breaksSeen_ = breaks;
      producer_.restartKeepingRate();
      noteStep();
    }
    producer_.update(timeNs, frames);
  }

  // The producer runs on the consumer's own clock (a generator at 0 ppm): its rate is known
  // exactly, so there is no offset to learn. The integrator is held at 0 (clockPpm reads 0), and
  // the proportional part works only on errors beyond kSameClockBandFrames (frames the master
  // lost in an overload), so that in steady state the ratio is exactly nominal and the resampler
  // passes frames through untouched (resampler.hpp).
  void setSameClock(bool same) noexcept {
    if (same && !sameClock_) integral_ = 0.0;
    sameClock_ = same;
  }

  // The most the integrator (the clock offset it learns) may be, when less than the settings'
  // maxSkew (0: that); the proportional part still works fill errors off at its own rate. A
  // producer on the system clock against a device master: the device's crystal is within ~100 ppm
  // of it (and NTP slews the system clock by at most 500 ppm), so no more is ever a clock offset.
  void setSkewLimit(double limit) noexcept {
    limit_ = limit > 0.0 && limit < s_.maxSkew ? limit : s_.maxSkew;
  }
  static constexpr double kSystemClockSkew = 0.0005;

  // The fill stepped for a known reason (a device's xrun): the next step takes the new fill as it
  // is, for the proportional part to work off, rather than as a trend to integrate.
  void noteStep() noexcept { stepped_ = true; }

  // The master lost time (its device's xrun): the ring holds what the mix did not take meanwhile.
  // More than a quarter of the target too full is re-synced at once (the next step asks for it, a
  // counted re-sync): worked off by resampling, a few lost periods would take tens of seconds of
  // a pitch off by a cent. Less is a step like noteStep()'s.
  void noteMasterStep() noexcept { stepped_ = masterStepped_ = true; }

  struct Step {
    double ratio;      // producer frames per consumer frame for this step
    bool resync;       // the fill is beyond repair by resampling: re-sync, then restart()
    bool remeasuring;  // the clock estimates disagreed with the ring: measuring afresh (the
                       // caller restarts its own clock's DLL too); the ratio is held meanwhile
    double resyncError = 0.0;  // with resync: the actual fill's error it was decided on (frames)
  };

  // One consumer step at (smoothed) time `nowNs`; the consumer's measured rate in frames per
  // second; `consumed`: producer frames taken from the ring so far; `actualFill`: producer frames
  // in the ring right now (with the bursts and jitter the estimate smooths away).
  //
  // Re-syncs are decided on the actual fill, never on the estimate alone: an estimate that strays
  // from the ring by more than resyncFrames means the clocks' measurements are wrong (a server
  // stalling and then catching up, say), so they start afresh, holding the ratio, and nothing is
  // heard of it.
  Step step(std::int64_t nowNs, double consumerRate, double consumed, double actualFill) noexcept {
    if (masterStepped_) {
      masterStepped_ = false;
      if (started_ && actualFill - setPoint_ > 0.25 * s_.targetFrames) return {ratio(), true, false, actualFill - setPoint_};
    }
    if (s_.averageFill)
      return averagedStep(nowNs, producer_.initialised() ? producer_.framesAt(nowNs) - consumed : actualFill, actualFill);
    if (!producer_.initialised()) return {ratio(), false, false};
    const double fill = producer_.framesAt(nowNs) - consumed;
    if (started_ && std::fabs(fill - actualFill) > s_.resyncFrames) {
      remeasure();
      return {ratio(), false, true};
    }
    if (started_ && actualFill - setPoint_ > s_.resyncFrames) return {ratio(), true, false, actualFill - setPoint_};
    if (remeasuring_) {
      remeasuring_ = false;
      lastNs_ = nowNs;
    }
    if (!started_) {
      // The set point: the fill found at the start (the caller primes so that it is the target),
      // so that two clocks that agree are left untouched: no resampling transient at all.
      setPoint_ = std::fmax(s_.targetFrames * 0.5, std::fmin(fill, s_.targetFrames * 2.0));
      started_ = true;
      lastNs_ = nowNs;
      startNs_ = nowNs;
      lostNs_ = nowNs - 10'000'000'000;
      meanError_ = lastMeanError_ = 0.0;
      stepped_ = false;
      wander_ = slowWander_ = 0.0;
    }
    const double dt = static_cast<double>(nowNs - lastNs_) * 1e-9;
    lastNs_ = nowNs;
    fill_ = fill;
    const double error = fill - setPoint_;
    // The measured rates are reported (for an input that is only measured), never steered on. As a
    // feed-forward they had to fade in after the DLLs narrowed, and however that was blended their
    // arrival displaced the integrator, which then took tens of seconds to settle back (0.09 ms of
    // drift after lock at ±500 ppm). The integrator alone finds the offset, critically damped.
    const double sinceStart = static_cast<double>(nowNs - startNs_) * 1e-9;
    const double measured = consumerRate > 0.0 ? producer_.rate() / consumerRate / nominalRatio_ - 1.0 : 0.0;
    measured_ = std::fmax(-s_.maxSkew, std::fmin(s_.maxSkew, measured));
    // Bandwidth: wide for a second after a (re)start, then narrowing; after losing lock (the
    // device's rate stepped), medium for a few seconds to follow the new rate.
    const double sinceLost = static_cast<double>(nowNs - lostNs_) * 1e-9;
    producer_.setBandwidth(sinceStart < 1.0 ? 1.0 : (sinceStart < 4.0 || sinceLost < 3.0) ? 0.25 : 0.05);

    if (stepped_) {
      // The line moved at once (frames lost): the error steps, and the averages start from the
      // new error rather than read the step as a trend.
      stepped_ = false;
      meanError_ = lastMeanError_ = error;
    }
    meanError_ += (error - meanError_) * std::fmin(1.0, dt / 0.25);
    wander_ += ((error - meanError_) * (error - meanError_) - wander_) * std::fmin(1.0, dt / 2.0);
    // Which way the error moves: its quarter-second average's step (a single step's error moves
    // both ways with each of the producer's stamps).
    const double trend = meanError_ - lastMeanError_;
    lastMeanError_ = meanError_;
    skew_ = piStep(error, trend, dt);
    estimate_ = integral_;

    // Lock, judged on the error averaged over ~a quarter second (callback jitter averages out):
    // held within kLockFrames for half a second; lost once past kUnlockFrames for half a second (a
    // sound server's single late burst is not a lost lock). A device whose estimate still wanders
    // (a sound server's bursts) gets bounds scaled to how much it wanders.
    const double noise = std::sqrt(wander_);
    const double ae = std::fabs(meanError_);
    // A sound server's timing also wanders slowly (its averaged error swings by tens of frames over
    // seconds while the fill holds): the unlock bound grows with that too, over ten seconds.
    slowWander_ += (meanError_ * meanError_ - slowWander_) * std::fmin(1.0, dt / 10.0);
    const double unlockBound = std::fmax(std::fmax(kUnlockFrames, 4.0 * noise), 3.0 * std::sqrt(slowWander_));
    if (ae <= unlockBound) badSinceNs_ = -1;
    else if (badSinceNs_ < 0) badSinceNs_ = nowNs;
    if (ae <= std::fmax(kLockFrames, noise)) {
      if (goodSinceNs_ < 0) goodSinceNs_ = nowNs;
      if (nowNs - goodSinceNs_ >= 500'000'000 && sinceStart >= 1.0) locked_ = true;
    } else {
      goodSinceNs_ = -1;
      if (badSinceNs_ >= 0 && nowNs - badSinceNs_ >= 500'000'000) {
        if (locked_) lostNs_ = nowNs;
        locked_ = false;
      }
    }
    return {ratio(), false, false};
  }

  // The averageFill variant of step(): PI on the fill's one-second average.
  Step averagedStep(std::int64_t nowNs, double fill, double actualFill) noexcept {
    if (!started_) {
      if (!producer_.initialised()) return {ratio(), false, false};
      started_ = true;
      lastNs_ = startNs_ = nowNs;
      average_ = lastAverage_ = setPoint_ = fill;
      meanError_ = 0.0;
      wander_ = 0.0;
      stepped_ = false;
    }
    const double dt = static_cast<double>(nowNs - lastNs_) * 1e-9;
    lastNs_ = nowNs;
    const double sinceStart = static_cast<double>(nowNs - startNs_) * 1e-9;
    // A step in the fill (a device lost time in an xrun, and so frames) is taken at once, not
    // averaged in over a second as if the clocks had drifted.
    if (stepped_) {
      stepped_ = false;
      average_ = lastAverage_ = fill;
    }
    average_ += (fill - average_) * std::fmin(1.0, dt / 1.0);
    wander_ += ((fill - average_) * (fill - average_) - wander_) * std::fmin(1.0, dt / 2.0);
    const double trend = average_ - lastAverage_;
    lastAverage_ = average_;
    // One callback's fill is no set point (it jitters by the device's bursts): average for a
    // second first, holding the ratio, and take the set point from that.
    if (sinceStart < 1.0) {
      setPoint_ = average_;
      return {ratio(), false, false};
    }
    if (actualFill - setPoint_ > s_.resyncFrames) return {ratio(), true, false, actualFill - setPoint_};
    fill_ = average_;
    const double error = average_ - setPoint_;
    skew_ = piStep(error, trend, dt);
    estimate_ = measured_ = integral_;
    // Lock bounds grow with how much single callbacks scatter around the average.
    const double ae = std::fabs(error);
    const double scatter = std::sqrt(wander_);
    if (ae <= std::fmax(2.0 * kLockFrames, 0.25 * scatter)) {
      if (goodSinceNs_ < 0) goodSinceNs_ = nowNs;
      if (nowNs - goodSinceNs_ >= 2'000'000'000 && sinceStart >= 3.0) locked_ = true;
    } else {
      goodSinceNs_ = -1;
      if (ae > std::fmax(2.0 * kUnlockFrames, scatter)) locked_ = false;
    }
    return {ratio(), false, false};
  }

  const DriftSettings& settings() const noexcept { return s_; }
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
  // PI on the fill error; returns the skew. The proportional part works an error off at most at
  // kMaxProportional (48 frames a second at 48 kHz, a pitch change under 2 cents), however wrong
  // an estimate may be for a moment; the integrator takes the clock's true offset.
  //
  // Beyond the band where the proportional part is linear, the integrator runs only while the
  // error still grows (`trend`: the clock is further off than the proportional part can follow).
  // An error that shrinks out there (frames a device lost, a stall) is the proportional part's to
  // work off: an integrator winding up on it would swing the fill past the set point and back, an
  // undamped oscillation of seconds, heard as a wobbling pitch.
  double piStep(double error, double trend, double dt) noexcept {
    if (sameClock_) {
      const double beyond = error > kSameClockBandFrames    ? error - kSameClockBandFrames
                            : error < -kSameClockBandFrames ? error + kSameClockBandFrames
                                                            : 0.0;
      integral_ = 0.0;
      return std::fmax(-kMaxProportional, std::fmin(kMaxProportional, kp_ * beyond));
    }
    const double band = kMaxProportional / kp_;
    double skew = integral_ + std::fmax(-kMaxProportional, std::fmin(kMaxProportional, kp_ * error));
    const bool saturated = skew > s_.maxSkew || skew < -s_.maxSkew;
    skew = std::fmax(-s_.maxSkew, std::fmin(s_.maxSkew, skew));
    const bool integrate = std::fabs(error) <= band || trend * error > 0.0;
    if (integrate && (!saturated || (error > 0) != (skew > 0)))  // and no integrating into the clamp
      integral_ = std::fmax(-limit_, std::fmin(limit_, integral_ + ki_ * error * dt));
    return skew;
  }

  // How fast a fill error is worked off: the PI's double pole lies at 1/(2τ). At 0.5 s a 500 ppm
  // offset peaks at ~9 frames and is worked off within 4 s; the fill estimate it steers on is
  // already smoothed by the DLLs, so a faster loop adds no audible pitch jitter.
  static constexpr double kTauSeconds = 0.5;
  static constexpr double kAveragedTauSeconds = 3.0;  // averageFill: the average lags by a second
  static constexpr double kMaxProportional = 0.001;
  static constexpr double kLockFrames = 4.0;
  static constexpr double kUnlockFrames = 24.0;
  static constexpr double kSameClockBandFrames = 2.0;

  DriftSettings s_;
  ClockDll producer_;
  double nominalRatio_ = 1.0;
  double kp_ = 0.0, ki_ = 0.0;
  double integral_ = 0.0;
  double skew_ = 0.0;
  double estimate_ = 0.0;
  double measured_ = 0.0;
  double average_ = 0.0;      // averageFill: the fill's one-second average
  double lastAverage_ = 0.0;  // and at the previous step
  double wander_ = 0.0;  // mean square of the error around its average (its noise)
  double slowWander_ = 0.0;  // mean square of the averaged error over ~10 s (slow swings)
  double setPoint_ = 0.0;
  double fill_ = 0.0;
  bool started_ = false;
  bool locked_ = false;
  bool remeasuring_ = false;
  std::int64_t lastNs_ = 0;
  std::int64_t goodSinceNs_ = -1;
  std::int64_t badSinceNs_ = -1;  // since when the error is past the unlock bound
  std::int64_t startNs_ = 0;
  std::int64_t lostNs_ = 0;
  double meanError_ = 0.0;
  double lastMeanError_ = 0.0;  // meanError_ at the previous step
  std::uint32_t breaksSeen_ = 0;  // the producer's discontinuities already taken into account
  bool stepped_ = false;          // a discontinuity since the last step
  bool masterStepped_ = false;    // the master lost time since the last step
  bool sameClock_ = false;        // see setSameClock()
  double limit_ = 0.005;          // see setSkewLimit()
};

}  // namespace ringmix::engine
