// TruePeakLimiter: the last stage of the master, a look-ahead limiter on the true (inter-sample)
// peak, so that what leaves the mixer does not clip a converter or codec downstream.
//
// Gain computer, per frame, stereo-linked (one gain for all channels):
//  1. The input is oversampled 4x (TruePeakDetector, shared with the loudness meter). For each
//     interval between two input samples, its peak P is the largest magnitude among the five
//     oversampled values spanning it, where a value that is a local extremum is raised to the
//     vertex of the parabola through it and its two neighbours: the crest between 4x values
//     (up to 0.66 dB above them for a tone near fs/2) is then under-read by at most 0.07 dB
//     (a single tone at 0.49 fs; 0.003 dB at fs/4). IntervalCrests, limiter_crests.hpp.
//  2. The gain each interval needs is ceiling / P (1 if P is below), and a sample gets the
//     smaller need of the two intervals it bounds (the waveform between two samples is made from
//     both of their gains).
//  3. A sliding minimum over W frames (the look-ahead, 1.25 ms), then a release (instant down,
//     exponential up, releaseMs its time constant), then a moving average over the same W frames.
//     Every one of the W values averaged into the gain of sample p is a minimum over a window
//     that contains p, hence at most p's need: the gain is down by the time the peak arrives,
//     without overshoot, and the attack is a linear fade over W (no click).
//  4. The audio is delayed to line up: latency = W + the interpolator's half-kernel (32 frames),
//     constant for a configuration whatever the parameters, enabled or not: 92 frames (1.92 ms)
//     at 48 kHz, 87 at 44.1 kHz, 152 at 96 kHz (42 frames, 5.25 ms, at 8 kHz, where the kernel
//     dominates).
//
// Guarantee: the output's true peak stays at or below the ceiling as the engine's own 4x
// detector reads it, and as a 16x reference of the same reconstruction, computed independently,
// reads it (test/dsp-master/limiter_peak_test.cpp: full-scale and aliased square waves, fs/4
// tones at 45 degrees, impulses, programme driven +24 dB, silence to +24 dB; at 8-384 kHz). To get
// there it aims kMarginDb = 0.1 dB below the ceiling, which covers what the gain computer cannot
// see exactly: the parabola's under-read (<= 0.07 dB) and how a moving gain reshapes the waveform
// between samples (the product of gain and signal is what gets reconstructed). Measured, the
// output comes within 0.077 dB of the ceiling at most (0.023 dB over the aim). Against sharper
// reconstructions than the detector's (a converter's, transition 0.46-0.54 fs; sharper still)
// the bound holds for material below ~0.45 fs. Content between ~0.455 fs and fs/2 is where any
// two reconstructions part, and the sharper one reads it higher (without limit as it approaches
// the ideal one): aliased square waves and white noise read up to 0.19 dB over the ceiling by the
// converter's and 0.6 dB by the sharper one (reported by the tests, not bounded).
//
// Parameter changes never click: the ceiling glides (10 ms time constant) and the release is only
// a coefficient; enabled = false fades the gain to unity over 10 ms and the audio keeps its delay.
// Cost: ~48 ns per stereo frame at 48 kHz with the interpolator's AVX block FIR, ~58 without
// (bench/dsp_master.cpp; ~67 before the interpolator ran as a block FIR, two thirds of it then).
// Real-time code: configure(), set(), process() and reset() touch only inline arrays.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/realtime/dsp/limiter_crests.hpp"
#include "engine/realtime/dsp/sliding_window.hpp"
#include "engine/realtime/dsp/true_peak.hpp"

namespace ringmix::engine {

struct LimiterParams {
  bool enabled = true;
  double ceilingDbtp = -1.0;  // clamped to [-60, 0]
  double releaseMs = 50;      // clamped to [1, 5000]
};

class TruePeakLimiter {
 public:
  static constexpr std::uint32_t kMaxChannels = TruePeakDetector::kMaxChannels;
  static constexpr double kLookaheadMs = 1.25;
  static constexpr double kMarginDb = 0.1;
  static constexpr double kFadeMs = 10.0;         // enable/disable cross-fade
  static constexpr double kCeilingGlideMs = 10.0; // time constant of a ceiling change
  static constexpr std::uint32_t kMaxWindow = 1024;  // W at 384 kHz is 480
  static constexpr std::uint32_t kMaxDelay = 1024;   // W + kDelayFrames, a power of two

  TruePeakLimiter() noexcept { configure(48000.0, 2); }

  void configure(double sampleRate, std::uint32_t channels) noexcept {
    sampleRate_ = std::clamp(sampleRate, 8000.0, 384000.0);
    channels_ = std::clamp<std::uint32_t>(channels, 1, kMaxChannels);
    window_ = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(std::lround(kLookaheadMs * 1e-3 * sampleRate_)));
    latency_ = window_ + TruePeakDetector::kDelayFrames;
    fadeStep_ = static_cast<float>(1.0 / (kFadeMs * 1e-3 * sampleRate_));
    glide_ = static_cast<float>(1.0 - std::exp(-1.0 / (kCeilingGlideMs * 1e-3 * sampleRate_)));
    detector_.configure(channels_);
    minimum_.configure(window_, 1.0f);
    average_.configure(window_, 1.0f);
    set(params_);
    reset();
  }

  void set(const LimiterParams& p) noexcept {
    params_.enabled = p.enabled;
    if (p.ceilingDbtp == p.ceilingDbtp) params_.ceilingDbtp = std::clamp(p.ceilingDbtp, -60.0, 0.0);
    if (p.releaseMs == p.releaseMs) params_.releaseMs = std::clamp(p.releaseMs, 1.0, 5000.0);
    ceilingTarget_ = static_cast<float>(std::pow(10.0, (params_.ceilingDbtp - kMarginDb) / 20.0));
    release_ = 1.0 - std::exp(-1.0 / (params_.releaseMs * 1e-3 * sampleRate_));
  }
  const LimiterParams& params() const noexcept { return params_; }

  void reset() noexcept {
    detector_.reset();
    minimum_.reset(1.0f);
    average_.reset(1.0f);
    for (auto& f : delay_) f.fill(0.0f);
    peakLine_.fill(0.0f);  // the frames before reset are silence, whose values are all 0
    write_ = 0;
    unityRun_ = 0;
    out_ = {};
    crests_.reset();
    needBefore_ = 1.0f;
    restRun_ = kMaxWindow;  // the windows were just filled with 1
    released_ = 1.0;
    ceiling_ = ceilingTarget_;
    mix_ = params_.enabled ? 1.0f : 0.0f;
    minGain_ = 1.0f;
  }

  // In place, interleaved; the output is the input of latencyFrames() frames earlier, limited.
  void process(float* io, std::uint32_t frames) noexcept {
    const float mixTarget = params_.enabled ? 1.0f : 0.0f;
    float minGain = 1.0f;
    out_ = {0.0f, true, false};
    const std::size_t ovFrame = static_cast<std::size_t>(channels_) * TruePeakDetector::kFactor;
    std::uint32_t n = 0;
    bool quiet = false;
    for (std::uint32_t f = 0; f < frames; ++f) {
      // The oversampled values a chunk at a time (the detector's block FIR), then frame by frame.
      const std::uint32_t inChunk = f % kChunk;
      if (inChunk == 0) {
        n = std::min(kChunk, frames - f);
        const float* in = io + static_cast<std::size_t>(f) * channels_;
        const float bound = detector_.gain() * detector_.reach(in, n);
        if (1.5f * bound < ceilingMin() && stateBelowCeiling()) {
          // So quiet that no oversampled value can come near the ceiling: only the last two
          // frames' values are computed (see below), the others are only bounded.
          detector_.oversampleTail(in, n, chunk_);
          std::fill_n(framePeak_, n, -bound);
          quiet = true;
        } else {
          detector_.oversample(in, n, chunk_);
          quiet = belowCeiling(n);
        }
        if (quiet && atRest(mixTarget)) {
          restChunk(io + static_cast<std::size_t>(f) * channels_, n);
          f += n - 1;
          continue;
        }
      }
      const float* ov = chunk_ + inChunk * ovFrame;
      float* frame = io + static_cast<std::size_t>(f) * channels_;
      const std::array<float, kMaxChannels>& delayed = delayLine(frame, framePeak_[inChunk]);

      // 1. The peak of the interval that just became complete. In a quiet chunk every one is
      // below the ceiling: only the last frame's is taken, to leave crests_ as the frame-by-frame
      // path would (the need is 1 either way).
      float peak = 0.0f;
      if (!quiet) {
        peak = crests_.push(ov, channels_);
      } else if (inChunk + 1 == n) {
        if (inChunk > 0) crests_.seed(ov - ovFrame, channels_);
        peak = crests_.push(ov, channels_);
      }
      // 2. What it and its neighbour need, under a ceiling that glides to its target.
      ceiling_ += (ceilingTarget_ - ceiling_) * glide_;
      const float need = peak > ceiling_ ? ceiling_ / peak : 1.0f;
      const float sampleNeed = std::min(need, needBefore_);
      needBefore_ = need;
      // 3. Look-ahead minimum, release, smoothing.
      const float m = minimum_.push(sampleNeed);
      released_ = m < released_ ? m : released_ + (m - released_) * release_;
      if (m - released_ < 1e-9) released_ = m;  // arrived: no endless approach to unity
      const float g = average_.push(static_cast<float>(released_));
      restRun_ = sampleNeed == 1.0f && released_ == 1.0 ? std::min(restRun_ + 1, kMaxWindow) : 0;
      // 4. Bypass cross-fade: limited at mix 1, the delayed input unchanged at mix 0.
      if (mix_ != mixTarget) mix_ = mixTarget > mix_ ? std::min(mixTarget, mix_ + fadeStep_) : std::max(mixTarget, mix_ - fadeStep_);
      const float gain = 1.0f - mix_ * (1.0f - g);
      minGain = std::min(minGain, gain);
      unityRun_ = gain == 1.0f ? unityRun_ + 1 : 0;
      for (std::uint32_t c = 0; c < channels_; ++c) frame[c] = delayed[c] * gain;
    }
    minGain_ = minGain;
    out_.valid = unityRun_ >= std::uint64_t{frames} + (TruePeakDetector::kTaps - 1);
  }

  // What a TruePeakDetector fed with this limiter's output would read for the last process()
  // call's block, from the values the limiter computed for its input: valid when the output was
  // the input delayed and unchanged (gain exactly 1) for the block and the kTaps - 1 frames
  // before it, all the frames the block's values draw on. The values of a quiet chunk (see
  // process()) were not all computed: value is then only an upper bound.
  const TruePeakDetector::BlockPeak& outputPeak() const noexcept { return out_; }

  // Constant for a configuration, whether enabled or not.
  std::uint32_t latencyFrames() const noexcept { return latency_; }
  // How far the limiter pulled the level down during the last process() call (its deepest
  // point), in dB: 0 when it did nothing, positive otherwise.
  float gainReductionDb() const noexcept { return minGain_ < 1.0f ? -20.0f * std::log10(minGain_) : 0.0f; }

  std::uint32_t channels() const noexcept { return channels_; }
  std::uint32_t lookaheadFrames() const noexcept { return window_; }

 private:
  // At rest: the last window_ frames all needed no reduction and the release is home, so the
  // look-ahead minimum and the moving average hold nothing but 1, and the bypass fade is done.
  // A quiet chunk then changes none of that: its gain is exactly 1 at every frame.
  bool atRest(float mixTarget) const noexcept {
    return restRun_ >= window_ && needBefore_ == 1.0f && released_ == 1.0 && mix_ == mixTarget;
  }

  // A quiet chunk at rest: the delay line at unity gain, exactly what the frame-by-frame path
  // gives (pushing 1 into windows full of 1 changes nothing they return, so it is skipped). The
  // last frame's interval still runs, to leave crests_ as that path does.
  void restChunk(float* io, std::uint32_t n) noexcept {
    for (std::uint32_t i = 0; i < n; ++i) {
      float* frame = io + static_cast<std::size_t>(i) * channels_;
      const std::array<float, kMaxChannels>& delayed = delayLine(frame, framePeak_[i]);
      ceiling_ += (ceilingTarget_ - ceiling_) * glide_;
      for (std::uint32_t c = 0; c < channels_; ++c) frame[c] = delayed[c];
    }
    unityRun_ += n;
    const std::size_t ovFrame = static_cast<std::size_t>(channels_) * TruePeakDetector::kFactor;
    const float* ov = chunk_ + (n - 1) * ovFrame;
    if (n > 1) crests_.seed(ov - ovFrame, channels_);
    (void)crests_.push(ov, channels_);  // below the ceiling: the need stays 1
  }

  // Pushes a frame, and the largest magnitude of its 4x values (negative: minus a bound of it),
  // into the delay line. Returns the delayed frame, whose value it counts into out_.
  const std::array<float, kMaxChannels>& delayLine(const float* frame, float peak) noexcept {
    std::copy(frame, frame + channels_, delay_[write_].begin());
    peakLine_[write_] = peak;
    const std::uint32_t read = (write_ - latency_) & (kMaxDelay - 1);
    write_ = (write_ + 1) & (kMaxDelay - 1);
    const float delayedPeak = peakLine_[read];
    out_.value = std::max(out_.value, std::fabs(delayedPeak));
    out_.exact = out_.exact && !(delayedPeak < 0.0f);
    return delay_[read];
  }

  // Whether no interval of the chunk's n frames can reach the ceiling: every oversampled value in
  // reach (the chunk's and the previous frame's), raised to the largest crest a parabola can put
  // near it (1.5x, see IntervalCrests::refine()), and the open interval's peak, are below where
  // the ceiling is or glides to during the chunk. A NaN never passes. Keeps each frame's largest
  // value in framePeak_ (-infinity, no bound, for a frame with a NaN: a meter reading it skips
  // NaNs, so its maximum is not this one).
  bool belowCeiling(std::uint32_t n) noexcept {
    float m = 0.0f;
    bool nan = false;
    const std::size_t ovFrame = static_cast<std::size_t>(channels_) * TruePeakDetector::kFactor;
    for (std::uint32_t f = 0; f < n; ++f) {
      float fm = 0.0f;
      bool fnan = false;
      for (std::size_t i = 0; i < ovFrame; ++i) {
        const float a = std::fabs(chunk_[f * ovFrame + i]);
        fm = a > fm ? a : fm;
        fnan = fnan || a != a;
      }
      framePeak_[f] = fnan ? -std::numeric_limits<float>::infinity() : fm;
      m = fm > m ? fm : m;
      nan = nan || fnan;
    }
    return !nan && 1.5f * m < ceilingMin() && stateBelowCeiling();
  }
  // The same for what the previous chunk left: its last frame's values and its open interval.
  bool stateBelowCeiling() const noexcept { return crests_.pending(channels_) < ceilingMin(); }
  // The lowest the ceiling is during the next chunk (it glides from ceiling_ to its target).
  float ceilingMin() const noexcept { return std::min(ceiling_, ceilingTarget_); }

  LimiterParams params_{};
  double sampleRate_ = 48000.0;
  std::uint32_t channels_ = 2;
  std::uint32_t window_ = 72;
  std::uint32_t latency_ = 88;
  float fadeStep_ = 0.0f, glide_ = 0.0f, ceilingTarget_ = 1.0f;
  double release_ = 0.0;

  static constexpr std::uint32_t kChunk = 64;  // frames oversampled at once
  TruePeakDetector detector_;
  float chunk_[kChunk * kMaxChannels * TruePeakDetector::kFactor] = {};
  SlidingMinimum<kMaxWindow> minimum_;
  MovingAverage<kMaxWindow> average_;
  std::array<std::array<float, kMaxChannels>, kMaxDelay> delay_{};
  // Beside each delayed frame, its 4x values' largest magnitude (or minus a bound, see delayLine()).
  std::array<float, kMaxDelay> peakLine_{};
  float framePeak_[kChunk] = {};  // the chunk's, as they enter peakLine_
  std::uint32_t write_ = 0;
  std::uint64_t unityRun_ = 0;  // output frames in a row at gain exactly 1 (outputPeak())
  TruePeakDetector::BlockPeak out_{};
  IntervalCrests crests_;
  float needBefore_ = 1.0f;
  std::uint32_t restRun_ = 0;  // frames in a row needing nothing with the release home (atRest())
  double released_ = 1.0;  // double: a float approach to 1 would stall ~1e-4 short (rounding)
  float ceiling_ = 1.0f;
  float mix_ = 1.0f;
  float minGain_ = 1.0f;
};

}  // namespace ringmix::engine
