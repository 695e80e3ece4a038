// Gate: a noise gate on the stereo-linked peak (max of |x| over the channels, per sample).
// Real-time code: arithmetic on its own members; no per-sample exp or log.
//
//  - Opens on the first sample whose peak reaches thresholdDb. Once open, every sample reaching
//    thresholdDb - kHysteresisDb restarts the hold; the gate closes holdMs after the last such
//    sample. The hysteresis keeps a signal hovering around the threshold from chattering (open,
//    close, open...), and the hold bridges a tone's zero crossings (so keep it longer than half the
//    period of the lowest tone the gate should pass whole; 50 ms covers 10 Hz).
//  - The gain moves between 0 dB (open) and -rangeDb (closed) linearly in dB: attackMs is the time
//    to open fully from closed (the whole range), releaseMs the time to close fully from open.
//    Linear in dB is a constant factor per sample on the linear gain, so one multiply per sample.
//    A gate interrupted half way turns back at the same rates. A range change glides the floor
//    over smoothFrames, so no parameter change jumps the gain.
//  - Enabling/disabling crossfades with the dry signal over smoothFrames; disabled and settled,
//    process() returns at once. Enabled from bypass, the gate starts open (as if it had just heard
//    a signal), so it closes, smoothly, only if the input is quiet.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/realtime/dsp/param_ramp.hpp"
#include "engine/realtime/dsp/strip_params.hpp"

namespace ringmix::engine::dsp {

class Gate {
 public:
  static constexpr double kHysteresisDb = 4.0;

  void configure(double sampleRate, std::uint32_t channels, std::uint32_t smoothFrames) noexcept {
    fs_ = sampleRate;
    channels_ = channels == 2 ? 2 : 1;
    smooth_ = smoothFrames;
    update();
    reset();
  }

  void set(const GateParams& p) noexcept {
    params_ = p;
    update();
  }
  const GateParams& params() const noexcept { return params_; }

  // Silence: the gate closed (a reset strip waits for signal before it lets anything through).
  void reset() noexcept {
    open_ = false;
    holdLeft_ = 0;
    floor_.reset(floor_.target());
    g_ = floor_.current();
    wet_.reset(params_.enabled ? 1.0 : 0.0);
    lastGr_ = 0.0f;
  }

  void process(float* io, std::uint32_t frames) noexcept {
    if (!params_.enabled && wet_.settled()) {
      // Bypassed: next time it is enabled, start open (see above).
      open_ = true;
      holdLeft_ = holdFrames_;
      g_ = 1.0;
      lastGr_ = 0.0f;
      return;
    }
    channels_ == 2 ? run<2>(io, frames) : run<1>(io, frames);
  }

  // Disabled and faded out: process() leaves the signal as it is.
  bool bypassed() const noexcept { return !params_.enabled && wet_.settled(); }

  // Attenuation applied (≥ 0 dB): its maximum over the last block.
  float gainReductionDb() const noexcept { return lastGr_; }

 private:
  void update() noexcept {
    const GateParams& p = params_;
    const double threshold = std::fmin(std::fmax(p.thresholdDb, -140.0), 24.0);
    const double range = std::fmin(std::fmax(p.rangeDb, 0.0), 140.0);
    openLevel_ = static_cast<float>(std::pow(10.0, threshold / 20.0));
    keepLevel_ = static_cast<float>(std::pow(10.0, (threshold - kHysteresisDb) / 20.0));
    floor_.setTarget(std::pow(10.0, -range / 20.0), smooth_);
    holdFrames_ = static_cast<std::uint32_t>(std::lround(std::fmin(std::fmax(p.holdMs, 0.0), 10000.0) * 0.001 * fs_));
    // Per-sample factors crossing `range` dB in attack/release frames (at least one frame).
    const auto perFrame = [&](double ms) {
      const double frames = std::fmax(std::fmin(std::fmax(ms, 0.0), 10000.0) * 0.001 * fs_, 1.0);
      return std::pow(10.0, range / 20.0 / frames);
    };
    up_ = perFrame(p.attackMs);
    down_ = 1.0 / perFrame(p.releaseMs);
    wet_.setTarget(p.enabled ? 1.0 : 0.0, smooth_);
  }

  template <int C>
  void run(float* io, std::uint32_t frames) noexcept {
    double g = g_, lowest = 1.0;
    for (std::uint32_t f = 0; f < frames; ++f) {
      float a = std::fabs(io[f * C]);
      if constexpr (C == 2) a = std::max(a, std::fabs(io[f * C + 1]));
      if (a >= (open_ ? keepLevel_ : openLevel_)) {
        open_ = true;
        holdLeft_ = holdFrames_;
      } else if (open_) {
        if (holdLeft_ == 0) open_ = false;
        else --holdLeft_;
      }
      // Never below the floor, which itself glides when the range changes (so a smaller range
      // lifts a closed gate smoothly, whatever the rates of the new range).
      const double floor = floor_.next();
      g = std::max(open_ ? std::min(g * up_, 1.0) : g * down_, floor);
      const double applied = 1.0 + wet_.next() * (g - 1.0);
      const auto gain = static_cast<float>(applied);
      for (int ch = 0; ch < C; ++ch) io[f * C + ch] *= gain;
      lowest = std::min(lowest, applied);
    }
    g_ = g;
    lastGr_ = lowest >= 1.0 ? 0.0f : static_cast<float>(-20.0 * std::log10(lowest));
  }

  GateParams params_{};
  double fs_ = 48000.0;
  std::uint32_t channels_ = 2, smooth_ = 0;
  float openLevel_ = 0.0f, keepLevel_ = 0.0f;
  double up_ = 1.0, down_ = 1.0;
  ParamRamp floor_;  // the closed gain, linear
  std::uint32_t holdFrames_ = 0, holdLeft_ = 0;
  bool open_ = false;
  ParamRamp wet_;
  double g_ = 1e-3;
  float lastGr_ = 0.0f;
};

}  // namespace ringmix::engine::dsp
