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
//  3. Smoothing in dB: g += (1 - α)(c - g), α = e^(-1/(τ·fs)), τ = attack while c > g, else release
//     (computed in closed form while c is constant: run() below).
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

#include "engine/realtime/dsp/compressor_passes.hpp"
#include "engine/realtime/dsp/fast_math.hpp"
#include "engine/realtime/dsp/param_ramp.hpp"
#include "engine/realtime/dsp/peak_hold.hpp"
#include "engine/realtime/dsp/simd.hpp"
#include "engine/realtime/dsp/strip_params.hpp"

namespace ringmix::engine::dsp {

class Compressor {
 public:
  static constexpr double kMaxHoldMs = 5.0;
  static constexpr std::uint32_t kSub = 64;  // frames per sub-block (the passes' stack arrays)

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

  // Disabled and faded out: process() leaves the signal as it is.
  bool bypassed() const noexcept { return !params_.enabled && wet_.settled(); }

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
    powers(attack_, attackPow_);
    powers(release_, releasePow_);
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

  // Per sub-block, passes that each run over all its frames: the detector's levels (vectorised),
  // PeakHold's changes (one vectorised max per segment where no new peak comes, which is most),
  // the smoothed gain reduction, then the gains, exponentiated and applied (vectorised). A
  // per-frame one-pole is a chain of dependent operations, and was most of the cost. While the
  // target c stays constant (a run: PeakHold makes them tens of frames long or more), the
  // recursion's exact solution is g_j = c + (g_0 - c)·r^j, r = 1 - coefficient; g approaches c
  // without crossing it, so one coefficient per run, and four frames per step. Only the rounding
  // differs from the recursion's (~1e-12 dB), so the float gains are the same but for a rare
  // flip of their last bit (~1e-6 dB; compressor_equivalence_test.cpp bounds it at 1e-5 dB).
  template <int C, int DC>
  void run(float* io, const float* det, std::uint32_t frames) noexcept {
    double gr = 0.0;
    for (std::uint32_t done = 0; done < frames;) {
      const std::uint32_t n = std::min(kSub, frames - done);
      float* x = io + static_cast<std::size_t>(done) * C;
      alignas(16) float level[kSub];
      compressor_passes::detectorLevels<DC>(det + static_cast<std::size_t>(done) * DC, n, level);

      // Runs of a constant target: the first continues the previous sub-block's unless the held
      // level changes on frame 0. The curve's one log only where the held level changes.
      std::uint32_t changeAt[kSub], runStart[kSub + 1];
      float changeLevel[kSub];
      double runTarget[kSub];
      const std::uint32_t changes = hold_.process(level, n, heldLevel_, changeAt, changeLevel);
      std::uint32_t runs = 0;
      if (changes == 0 || changeAt[0] != 0) {
        runStart[0] = 0;
        runTarget[0] = heldTarget_;
        runs = 1;
      }
      for (std::uint32_t i = 0; i < changes; ++i, ++runs) {
        runStart[runs] = changeAt[i];
        runTarget[runs] = target(changeLevel[i]);
      }
      heldTarget_ = runTarget[runs - 1];
      runStart[runs] = n;

      alignas(16) double g[kSub + 4];  // + 4: smooth() writes whole steps of four
      double gNow = g_, gMin = INFINITY, gMax = -INFINITY;
      for (std::uint32_t r = 0; r < runs; ++r) {
        const std::uint32_t from = runStart[r];
        const double first = smooth(gNow, runTarget[r], g + from, runStart[r + 1] - from);
        // g is monotonic within a run, so its extremes are at the run's ends.
        gMin = std::min(gMin, std::min(first, gNow));
        gMax = std::max(gMax, std::max(first, gNow));
      }
      g_ = gNow;

      alignas(16) float gain[kSub];
      constexpr float kLog2PerDb = static_cast<float>(1.0 / fastmath::kDbPerLog2);
      if (!wet_.settled() || !makeup_.settled()) {
        for (std::uint32_t f = 0; f < n; ++f) {
          const double wet = wet_.next(), makeup = makeup_.next();
          gain[f] = static_cast<float>(wet * (makeup - g[f]));
          gr = std::max(gr, wet * g[f]);
        }
        compressor_passes::exponentiate(gain, n, kLog2PerDb);
        compressor_passes::applyGains<C>(x, gain, n);
      } else {
        const double wet = wet_.current(), makeup = makeup_.current();
        gr = std::max(gr, wet * gMax);  // wet ≥ 0: the largest g gives the largest wet·g
        if (gMin == gMax) {  // settled: every frame's gain is this one
          const float k = fastmath::fastExp2f(static_cast<float>(wet * (makeup - gMax)) * kLog2PerDb);
          for (std::uint32_t i = 0; i < n * C; ++i) x[i] *= k;
        } else {
          // Two loops: GCC vectorises each, not one that mixes doubles and floats.
          for (std::uint32_t f = 0; f < n; ++f) gain[f] = static_cast<float>(wet * (makeup - g[f]));
          compressor_passes::exponentiate(gain, n, kLog2PerDb);
          compressor_passes::applyGains<C>(x, gain, n);
        }
      }
      done += n;
    }
    lastGr_ = static_cast<float>(gr);
  }

  // g[0..len) from gNow (the frame before) toward the target c: c + (gNow - c)·r^(j+1), with
  // r^1..r^4 from update(), then four frames per step; gNow becomes the last, g[0] is returned.
  // Ends the release's tail exactly at 0, as the recursion did.
  double smooth(double& gNow, double c, double* g, std::uint32_t len) const noexcept {
    const double d = gNow - c;
    if (len == 1) {  // a new peak every frame: g's chain of operations is the cost; keep it short
      const double up = c + d * attackPow_[0], down = c + d * releasePow_[0];  // no load waits on the compare
      double v = c > gNow ? up : down;
      if (c == 0.0 && v < 1e-9) v = 0.0;
      return g[0] = gNow = v;
    }
    const double* p = c > gNow ? attackPow_ : releasePow_;
    const simd::D2 cc = simd::D2::fill(c), step = simd::D2::fill(p[3]);
    simd::D2 lo = simd::D2::fill(d) * simd::D2::set(p[0], p[1]), hi = simd::D2::fill(d) * simd::D2::set(p[2], p[3]);
    for (std::uint32_t j = 0; j < len; j += 4) {
      (cc + lo).store(g + j);
      (cc + hi).store(g + j + 2);
      lo = lo * step;
      hi = hi * step;
    }
    if (c == 0.0)
      for (std::uint32_t j = 0; j < len; ++j) g[j] = g[j] < 1e-9 ? 0.0 : g[j];
    gNow = g[len - 1];
    return g[0];
  }

  static void powers(double coefficient, double* p) noexcept {
    p[0] = 1.0 - coefficient;
    for (int i = 1; i < 4; ++i) p[i] = p[i - 1] * p[0];
  }

  CompressorParams params_{};
  double fs_ = 48000.0;
  std::uint32_t channels_ = 2, smooth_ = 0, segFrames_ = 16;
  double threshold_ = -20, slope_ = 0.75, knee_ = 6, kneeLow_ = -23, kneeHigh_ = -17;
  float kneeLowLin_ = 0.0f;
  double attack_ = 1.0, release_ = 1.0;
  double attackPow_[4]{}, releasePow_[4]{};  // (1 - coefficient)^1..4
  long segments_ = 0;
  PeakHold hold_;
  ParamRamp makeup_, wet_;
  double g_ = 0.0;  // smoothed gain reduction, dB
  float heldLevel_ = 0.0f;  // the detector's last level and its curve's target
  double heldTarget_ = 0.0;
  float lastGr_ = 0.0f;
};

}  // namespace ringmix::engine::dsp
