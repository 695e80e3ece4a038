// Compressor: feed-forward, stereo-linked, peak-sensing, after Giannoulis, Massberg & Reiss,
// "Digital Dynamic Range Compressor Design" (JAES 2012): the gain computer works on the level in
// dB and its gain reduction is smoothed in the dB domain. Real-time code: arithmetic on
// fixed-size members; no per-sample std::log/std::pow (fast_math.hpp: errors under 4e-6 dB).
//
//  1. Detector: the max of |x| over the channels (of io, or of the sidechain when one is given:
//     ducking), through PeakHold, so a steady square wave or sine of amplitude A reads
//     20·log10(A) dBFS. It holds a drop for H = min(5 ms, release/2) (peak_hold.hpp).
//  2. Static curve (threshold T, ratio R, knee width W; level x, output y, all dB):
//     x < T - W/2: y = x;  x > T + W/2: y = T + (x - T)/R;  between: y = x + (1/R - 1)(x - T + W/2)²/(2W).
//     Gain reduction target c = x - y ≥ 0.
//  3. Smoothing in dB: g += (1 - α)(c - g), α = e^(-1/(τ·fs)), τ = attack while c > g, else release.
//     Time constant = the 63 % (1 - 1/e) point of the gain reduction's step response. Attack: exactly
//     τ = attackMs. Release: the detector's hold delays the start by H, so the one-pole runs with
//     τ = releaseMs - H, and the 63 % point again falls at releaseMs (± S/2 frames of PeakHold;
//     the hold lasts at least one segment, ~0.5 ms, so no release is quicker than that).
//  4. Gain = makeup - g (dB), makeup ramped over smoothFrames. Threshold, ratio and knee move c,
//     which step 3 smooths, so they need no ramp of their own. Enabling/disabling crossfades the
//     gain with 0 dB over smoothFrames; disabled and settled, process() returns at once.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/realtime/dsp/fast_math.hpp"
#include "engine/realtime/dsp/param_ramp.hpp"
#include "engine/realtime/dsp/peak_hold.hpp"
#include "engine/realtime/dsp/strip_params.hpp"

namespace ringmix::engine::dsp {

class Compressor {
 public:
  static constexpr double kMaxHoldMs = 5.0;

  void configure(double sampleRate, std::uint32_t channels, std::uint32_t smoothFrames) noexcept {
    fs_ = sampleRate;
    channels_ = channels == 2 ? 2 : 1;
    smooth_ = smoothFrames;
    // Segments of ~1/3 ms: the hold's timing is exact to ±1/6 ms, its cost one compare per sample.
    segFrames_ = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(std::lround(fs_ / 3000.0)));
    segments_ = 0;  // configure the detector in update()
    update();
    reset();
  }

  void set(const CompressorParams& p) noexcept {
    params_ = p;
    update();
  }
  const CompressorParams& params() const noexcept { return params_; }

  void reset() noexcept {
    hold_.reset();
    g_ = 0.0;
    lastGr_ = 0.0f;
    wet_.reset(params_.enabled ? 1.0 : 0.0);
    makeup_.reset(makeupTarget());
    heldLevel_ = 0.0f;
    heldTarget_ = 0.0;
  }

  // io: `frames` interleaved frames of the configured channels. sidechain: null (detect io), or
  // `frames` interleaved frames of sidechainChannels (1 or 2) that the detector reads instead.
  void process(float* io, const float* sidechain, std::uint32_t sidechainChannels, std::uint32_t frames) noexcept {
    if (!params_.enabled && wet_.settled()) {
      if (wet_.current() == 0.0 && g_ != 0.0) reset();  // re-enabling starts from rest
      lastGr_ = 0.0f;
      return;
    }
    const float* det = sidechain != nullptr ? sidechain : io;
    const std::uint32_t dc = sidechain != nullptr ? (sidechainChannels == 2 ? 2 : 1) : channels_;
    if (channels_ == 2)
      dc == 2 ? run<2, 2>(io, det, frames) : run<2, 1>(io, det, frames);
    else
      dc == 2 ? run<1, 2>(io, det, frames) : run<1, 1>(io, det, frames);
  }
  void process(float* io, std::uint32_t frames) noexcept { process(io, nullptr, 0, frames); }

  // The gain reduction applied (≥ 0 dB, makeup not included): its maximum over the last block.
  float gainReductionDb() const noexcept { return lastGr_; }

  // The detector's hold, in frames on average (tests measure the release against it).
  double holdFrames() const noexcept { return hold_.delayFrames(); }

 private:
  double makeupTarget() const noexcept { return std::fmin(std::fmax(params_.makeupDb, -60.0), 60.0); }

  static double coefficient(double ms, double fs) noexcept {
    const double frames = ms * 0.001 * fs;
    return frames > 0.0 ? 1.0 - std::exp(-1.0 / frames) : 1.0;  // the share of the gap closed per frame
  }

  void update() noexcept {
    const CompressorParams& p = params_;
    threshold_ = std::fmin(std::fmax(p.thresholdDb, -120.0), 24.0);
    slope_ = 1.0 - 1.0 / std::fmin(std::fmax(p.ratio, 1.0), 1000.0);
    knee_ = std::fmin(std::fmax(p.kneeDb, 0.0), 48.0);
    kneeLow_ = threshold_ - knee_ / 2.0;
    kneeHigh_ = threshold_ + knee_ / 2.0;
    kneeLowLin_ = static_cast<float>(std::pow(10.0, kneeLow_ / 20.0));
    const double releaseMs = std::fmin(std::fmax(p.releaseMs, 0.0), 10000.0);
    // Reconfiguring the hold forgets the held level, so only when its length really changes.
    const double holdMs = std::min(kMaxHoldMs, releaseMs / 2.0);
    const auto segments = std::max<long>(1, std::lround(holdMs * 0.001 * fs_ / segFrames_));
    if (segments != segments_) {
      segments_ = segments;
      hold_.configure(segFrames_, static_cast<std::uint32_t>(segments));
    }
    attack_ = coefficient(std::fmin(std::fmax(p.attackMs, 0.0), 10000.0), fs_);
    release_ = coefficient(std::fmax(releaseMs - hold_.delayFrames() * 1000.0 / fs_, 0.0), fs_);
    makeup_.setTarget(makeupTarget(), smooth_);
    wet_.setTarget(p.enabled ? 1.0 : 0.0, smooth_);
    heldTarget_ = target(heldLevel_);  // the new curve for the level being held
  }

  // The static curve's gain reduction for a detected level (linear amplitude).
  double target(float level) const noexcept {
    if (level <= kneeLowLin_) return 0.0;  // most quiet samples: no log needed
    const double x = fastmath::fastDb(level);
    if (x >= kneeHigh_) return slope_ * (x - threshold_);
    if (x <= kneeLow_) return 0.0;
    const double d = x - kneeLow_;
    return slope_ * d * d / (2.0 * knee_);
  }

  // Two passes per sub-block: the sequential part (detector, curve, smoothing) writes each
  // frame's gain in dB; then the gains are exponentiated and applied in a loop the compiler
  // vectorises. The curve (one log) is evaluated only when the held level changes, which
  // PeakHold makes rare: at most a new peak or a segment leaving the window.
  template <int C, int DC>
  void run(float* io, const float* det, std::uint32_t frames) noexcept {
    constexpr std::uint32_t kSub = 64;
    double g = g_, gr = 0.0, heldTarget = heldTarget_;
    float heldLevel = heldLevel_;
    for (std::uint32_t done = 0; done < frames;) {
      const std::uint32_t n = std::min(kSub, frames - done);
      const float* d = det + static_cast<std::size_t>(done) * DC;
      float* x = io + static_cast<std::size_t>(done) * C;
      float db[kSub];
      const bool steady = wet_.settled() && makeup_.settled();
      const double wetNow = wet_.current(), makeupNow = makeup_.current();
      for (std::uint32_t f = 0; f < n; ++f) {
        float a = std::fabs(d[f * DC]);
        if constexpr (DC == 2) a = std::max(a, std::fabs(d[f * DC + 1]));
        const float held = hold_.push(a);
        if (held != heldLevel) {
          heldLevel = held;
          heldTarget = target(held);
        }
        const double c = heldTarget;
        g += (c > g ? attack_ : release_) * (c - g);
        if (c == 0.0 && g < 1e-9) g = 0.0;  // end the release's tail exactly
        const double wet = steady ? wetNow : wet_.next();
        const double makeup = steady ? makeupNow : makeup_.next();
        db[f] = static_cast<float>(wet * (makeup - g));
        gr = std::max(gr, wet * g);
      }
      for (std::uint32_t f = 0; f < n; ++f) {
        const float gain = fastmath::fastExp2f(db[f] * static_cast<float>(1.0 / fastmath::kDbPerLog2));
        for (int ch = 0; ch < C; ++ch) x[f * C + ch] *= gain;
      }
      done += n;
    }
    g_ = g;
    heldLevel_ = heldLevel;
    heldTarget_ = heldTarget;
    lastGr_ = static_cast<float>(gr);
  }

  CompressorParams params_{};
  double fs_ = 48000.0;
  std::uint32_t channels_ = 2, smooth_ = 0, segFrames_ = 16;
  double threshold_ = -20, slope_ = 0.75, knee_ = 6, kneeLow_ = -23, kneeHigh_ = -17;
  float kneeLowLin_ = 0.0f;
  double attack_ = 1.0, release_ = 1.0;
  long segments_ = 0;
  PeakHold hold_;
  ParamRamp makeup_, wet_;
  double g_ = 0.0;  // smoothed gain reduction, dB
  float heldLevel_ = 0.0f;  // the detector's last level and its curve's target
  double heldTarget_ = 0.0;
  float lastGr_ = 0.0f;
};

}  // namespace ringmix::engine::dsp
