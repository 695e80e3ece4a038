// TruePeakDetector: the peak of the reconstructed waveform, not only of the samples, after ITU-R
// BS.1770-4 Annex 2: the signal is oversampled 4x by a polyphase FIR interpolator and the largest
// magnitude of the oversampled values is the true peak. A sample peak under-reads by up to 3 dB
// (a tone at fs/4 sampled 45 degrees off its crests); the 4x values by at most ~0.7 dB (a tone
// near fs/2 whose crest falls between two of them), 0.17 dB at fs/4.
//
// The interpolator is our own design after the standard's idea (a windowed-sinc low-pass split
// into 4 phases): a Kaiser-windowed sinc (beta 9) cut off at the input's Nyquist frequency, 64
// input taps per phase where the standard's example has 12. Cut off exactly at Nyquist, phase 0
// is the input sample itself (the sinc is 0 at every other integer), so the detector never reads
// below the sample peak. The long kernel makes it a converter-grade reconstruction: within
// 0.001 dB of a tone's crest up to 0.43 fs, transition band ~0.455-0.545 fs (a converter's sharp
// reconstruction filter), which is what lets the limiter, sharing this detector, hold the true
// peak of material with strong content up to 20 kHz (limiter.hpp). It costs 64 four-lane
// multiply-adds per sample and channel (the lanes are the phases, so the loop vectorises without
// reassociating any sum): ~50 ns per stereo frame (bench/dsp_master.cpp).
//
// Shared by the master's limiter (through interpolate(): the oversampled values, aligned to a
// delayed input frame) and the loudness meter (through process(): a block's peak).
// Real-time code: configure(), process(), interpolate() and reset() touch only fixed arrays.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/realtime/dsp/kaiser.hpp"

namespace ringmix::engine {

class TruePeakDetector {
 public:
  static constexpr std::uint32_t kFactor = 4;       // oversampling
  static constexpr std::uint32_t kTaps = 64;        // input samples each phase spans
  static constexpr std::uint32_t kMaxChannels = 8;  // the meter takes surround layouts too
  // interpolate() returns the values of the frame this many frames before the one it was given
  // (half the kernel: the interpolator needs that much of the future).
  static constexpr std::uint32_t kDelayFrames = kTaps / 2;
  static constexpr double kBeta = 9.0;  // ~-90 dB side lobes; transition band ~0.455-0.545 fs

  TruePeakDetector() noexcept { design(); }

  void configure(std::uint32_t channels) noexcept {
    channels_ = std::clamp<std::uint32_t>(channels, 1, kMaxChannels);
    reset();
  }

  void reset() noexcept {
    for (auto& h : history_) h.fill(0.0f);
    pos_ = kTaps - 1;
  }

  std::uint32_t channels() const noexcept { return channels_; }

  // Pushes one frame (channels() samples). Writes, for the frame kDelayFrames earlier, its
  // kFactor oversampled values per channel: out[c * kFactor + p] is channel c at offset
  // p / kFactor of a frame past that frame (p = 0: the sample itself, exactly).
  void interpolate(const float* frame, float* out) noexcept {
    pos_ = pos_ + 1 == kTaps ? 0 : pos_ + 1;
    for (std::uint32_t c = 0; c < channels_; ++c) {
      float* h = history_[c].data();
      // Written twice, so the last kTaps frames are always contiguous at [pos_ + 1, pos_ + kTaps].
      h[pos_] = frame[c];
      h[pos_ + kTaps] = frame[c];
      const float* x = h + pos_ + 1;
      // Four partial sums (taps k mod 4), so that four vector additions are in flight instead
      // of one chain of kTaps dependent ones (3x faster measured).
      float acc[4][kFactor] = {};
      for (std::uint32_t k = 0; k < kTaps; k += 4) {
        for (std::uint32_t j = 0; j < 4; ++j) {
          const float xk = x[k + j];
          for (std::uint32_t p = 0; p < kFactor; ++p) acc[j][p] += coef_[k + j][p] * xk;
        }
      }
      for (std::uint32_t p = 0; p < kFactor; ++p) out[c * kFactor + p] = (acc[0][p] + acc[1][p]) + (acc[2][p] + acc[3][p]);
    }
  }

  // The largest magnitude over the oversampled values of the block (all channels); the values
  // trail the input by kDelayFrames frames, so the last frames of a block count in the next one.
  float process(const float* interleaved, std::uint32_t frames) noexcept {
    float peak = 0.0f;
    float out[kMaxChannels * kFactor];
    const std::uint32_t n = channels_ * kFactor;
    for (std::uint32_t f = 0; f < frames; ++f) {
      interpolate(interleaved + static_cast<std::size_t>(f) * channels_, out);
      for (std::uint32_t i = 0; i < n; ++i) peak = std::max(peak, std::fabs(out[i]));
    }
    return peak;
  }

  // process() for a caller that only needs to know whether the block tops `known` (a running
  // maximum): returns the block's peak if it may, or 0 when it provably cannot. No oversampled
  // value can exceed gain() times the largest sample magnitude in its kernel's reach (the block
  // and the kTaps frames before it), so when that bound is at most `known` the block is only
  // pushed into the history, at a memory copy's cost: a quiet passage, or one below a peak
  // already read, costs next to nothing. Exact: the maximum it keeps is the one process() keeps.
  float processAbove(const float* interleaved, std::uint32_t frames, float known) noexcept {
    if (known > 0.0f && bound(interleaved, frames) * gain_ <= known) {
      push(interleaved, frames);
      return 0.0f;
    }
    return process(interleaved, frames);
  }

  // The largest kernel's sum of |coefficients|, over the phases: how far above the largest
  // sample in reach an oversampled value can be.
  float gain() const noexcept { return gain_; }

  // Coefficient of input tap k (0 = oldest of the kTaps) for phase p: exposed for the tests.
  float coefficient(std::uint32_t k, std::uint32_t p) const noexcept { return coef_[k][p]; }

 private:
  // The largest sample magnitude over the block and the history the block's values reach.
  float bound(const float* interleaved, std::uint32_t frames) const noexcept {
    float m = 0.0f;
    const std::size_t n = static_cast<std::size_t>(frames) * channels_;
    for (std::size_t i = 0; i < n; ++i) {
      const float a = std::fabs(interleaved[i]);
      m = a > m ? a : m;
    }
    for (std::uint32_t c = 0; c < channels_; ++c)
      for (std::uint32_t k = 0; k < kTaps; ++k) {
        const float a = std::fabs(history_[c][k]);
        m = a > m ? a : m;
      }
    // A NaN anywhere: no bound (process() decides).
    return m == m ? m : std::numeric_limits<float>::infinity();
  }

  // The history as interpolate() would leave it, without computing anything.
  void push(const float* interleaved, std::uint32_t frames) noexcept {
    for (std::uint32_t f = 0; f < frames; ++f) {
      pos_ = pos_ + 1 == kTaps ? 0 : pos_ + 1;
      for (std::uint32_t c = 0; c < channels_; ++c) {
        const float x = interleaved[static_cast<std::size_t>(f) * channels_ + c];
        history_[c][pos_] = x;
        history_[c][pos_ + kTaps] = x;
      }
    }
  }

  void design() noexcept {
    // Tap k of phase p sits tau = k - (kTaps/2 - 1) - p/kFactor input frames from the instant
    // being interpolated; the window spans +-kTaps/2 frames around it.
    for (std::uint32_t p = 0; p < kFactor; ++p) {
      double sum = 0.0;
      double h[kTaps];
      for (std::uint32_t k = 0; k < kTaps; ++k) {
        const double tau = static_cast<double>(k) - (kTaps / 2.0 - 1.0) - static_cast<double>(p) / kFactor;
        h[k] = p == 0 ? (k == kTaps / 2 - 1 ? 1.0 : 0.0) : kaiser::sinc(tau) * kaiser::window(tau / (kTaps / 2.0), kBeta);
        sum += h[k];
      }
      // Unity gain at DC for every phase, so a constant reads the same at every offset.
      double l1 = 0.0;
      for (std::uint32_t k = 0; k < kTaps; ++k) {
        coef_[k][p] = static_cast<float>(h[k] / sum);
        l1 += std::fabs(static_cast<double>(coef_[k][p]));
      }
      // Rounded up a little: the float sums in interpolate() may round above the exact bound.
      gain_ = std::max(gain_, static_cast<float>(l1 * (1.0 + 1e-5)));
    }
  }

  alignas(16) std::array<std::array<float, kFactor>, kTaps> coef_{};
  std::array<std::array<float, 2 * kTaps>, kMaxChannels> history_{};
  std::uint32_t channels_ = 1;
  std::uint32_t pos_ = kTaps - 1;  // slot of the newest frame
  float gain_ = 1.0f;              // see gain()
};

}  // namespace ringmix::engine
