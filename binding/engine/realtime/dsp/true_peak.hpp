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
// peak of material with strong content up to 20 kHz (limiter.hpp). oversample() and process() run
// phases 1-3 (phase 0 is the sample) as a FIR over consecutive frames, sixteen per AVX-512 vector
// or eight per AVX one where the CPU has it (true_peak_avx.hpp), else four: process() ~17 ns per
// stereo frame with AVX, ~29 without (bench/dsp_master.cpp). All add the taps in interpolate()'s order: the values are the same.
//
// Shared by the master's limiter (through oversample(): the oversampled values, aligned to a
// delayed input frame) and the loudness meter (through processAbove(): a block's peak), which
// takes the limiter's values where the limiter passed its input through unchanged (BlockPeak).
// Real-time code: configure(), process(), interpolate() and reset() touch only fixed arrays.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "engine/realtime/dsp/simd.hpp"
#include "engine/realtime/dsp/true_peak_avx.hpp"
#include "engine/realtime/dsp/true_peak_kernel.hpp"

namespace ringmix::engine {

class TruePeakDetector {
 public:
  // The largest magnitude over a block's oversampled values, known without computing them here
  // (TruePeakLimiter::outputPeak()): valid, it describes the block; exact, else only a bound.
  struct BlockPeak {
    float value = 0.0f;
    bool exact = false, valid = false;
  };

  static constexpr std::uint32_t kFactor = TruePeakKernel::kFactor;  // oversampling
  static constexpr std::uint32_t kTaps = TruePeakKernel::kTaps;      // input samples each phase spans
  static constexpr std::uint32_t kMaxChannels = 8;  // the meter takes surround layouts too
  // interpolate() returns the values of the frame this many frames before the one it was given
  // (half the kernel: the interpolator needs that much of the future).
  static constexpr std::uint32_t kDelayFrames = kTaps / 2;
  static constexpr double kBeta = TruePeakKernel::kBeta;

  void configure(std::uint32_t channels) noexcept {
    channels_ = std::clamp<std::uint32_t>(channels, 1, kMaxChannels);
    reset();
  }

  void reset() noexcept {
    for (auto& h : history_) h.fill(0.0f);
    fill_ = kHistory;
  }

  std::uint32_t channels() const noexcept { return channels_; }

  // Frames per block FIR vector: 16 (AVX-512), 8 (AVX) or 4, the widest the CPU has by default;
  // for the tests (a width the CPU lacks gives the next one down).
  void setVectorWidth(std::uint32_t w) noexcept { width_ = widthFor(w); }
  std::uint32_t vectorWidth() const noexcept { return width_; }

  // Pushes one frame (channels() samples). Writes, for the frame kDelayFrames earlier, its
  // kFactor oversampled values per channel: out[c * kFactor + p] is channel c at offset
  // p / kFactor of a frame past that frame (p = 0: the sample itself, exactly).
  void interpolate(const float* frame, float* out) noexcept {
    makeRoom(1);
    for (std::uint32_t c = 0; c < channels_; ++c) {
      history_[c][fill_] = frame[c];
      const float* x = history_[c].data() + fill_ - kHistory;  // the kTaps frames, oldest first
      // Four partial sums (taps k mod 4), so that four vector additions are in flight instead
      // of one chain of kTaps dependent ones (3x faster measured).
      float acc[4][kFactor] = {};
      for (std::uint32_t k = 0; k < kTaps; k += 4) {
        for (std::uint32_t j = 0; j < 4; ++j) {
          const float xk = x[k + j];
          for (std::uint32_t p = 0; p < kFactor; ++p) acc[j][p] += kernel_.coef[k + j][p] * xk;
        }
      }
      for (std::uint32_t p = 0; p < kFactor; ++p) out[c * kFactor + p] = (acc[0][p] + acc[1][p]) + (acc[2][p] + acc[3][p]);
    }
    ++fill_;
  }

  // interpolate() for n frames at once (n <= kChunk), with the same values: out[(f * channels()
  // + c) * kFactor + p]. Phases 1-3 sixteen, eight or four frames per vector (see chunkPeak()); phase 0
  // is the sample itself.
  void oversample(const float* interleaved, std::uint32_t n, float* out) noexcept {
    append(interleaved, n);
    const std::uint32_t ch = channels_;
    for (std::uint32_t c = 0; c < ch; ++c) {
      const float* x = history_[c].data() + fill_ - kHistory;
      for (std::uint32_t f = 0; f < n; ++f) out[(f * ch + c) * kFactor] = x[f + kDelayFrames - 1];
      std::uint32_t f = 0;
      if (true_peak_avx::kAvailable && width_ == 16)  // sixteen at a time, then eight, then as below
        true_peak_avx::oversample16<kTaps, kFactor>(kernel_.byPhase, x, f = n & ~15u, ch * kFactor, out + c * kFactor);
      if (true_peak_avx::kAvailable && width_ >= 8) {
        const std::uint32_t e = (n - f) & ~7u;
        true_peak_avx::oversample<kTaps, kFactor>(kernel_.byPhase, x + f, e, ch * kFactor, out + (f * ch + c) * kFactor);
        f += e;
      }
      for (; f + 4 <= n; f += 4)
        for (std::uint32_t p = 1; p < kFactor; ++p) {
          float lanes[4];
          sums(x + f, p).store(lanes);
          for (std::uint32_t i = 0; i < 4; ++i) out[((f + i) * ch + c) * kFactor + p] = lanes[i];
        }
      for (; f < n; ++f)
        for (std::uint32_t p = 1; p < kFactor; ++p) out[(f * ch + c) * kFactor + p] = sum(x + f, p);
    }
    fill_ += n;
  }
  static constexpr std::uint32_t kChunk = 256;  // oversample()'s most frames per call

  // oversample() for a caller that needs only the last two frames' values (a quiet chunk, see
  // reach()): appends all n, computes frames n-2 and n-1 (or the one), at their places in out.
  void oversampleTail(const float* interleaved, std::uint32_t n, float* out) noexcept {
    append(interleaved, n);
    const std::uint32_t ch = channels_;
    for (std::uint32_t c = 0; c < ch; ++c) {
      const float* x = history_[c].data() + fill_ - kHistory;
      for (std::uint32_t f = n >= 2 ? n - 2 : 0; f < n; ++f) {
        out[(f * ch + c) * kFactor] = x[f + kDelayFrames - 1];
        for (std::uint32_t p = 1; p < kFactor; ++p) out[(f * ch + c) * kFactor + p] = sum(x + f, p);
      }
    }
    fill_ += n;
  }

  // The largest sample magnitude the oversampled values of the next n frames can draw on (those
  // frames and the kTaps - 1 before them): none of them exceeds reach() times gain(). A NaN
  // among them is not counted: the values it reaches are NaN, which no peak takes.
  float reach(const float* interleaved, std::uint32_t n) const noexcept { return bound(interleaved, n); }

  // The largest magnitude over the oversampled values of the block (all channels); the values
  // trail the input by kDelayFrames frames, so the last frames of a block count in the next one.
  float process(const float* interleaved, std::uint32_t frames) noexcept {
    float peak = 0.0f;
    while (frames > 0) {
      const std::uint32_t n = frames < kChunk ? frames : kChunk;
      append(interleaved, n);
      for (std::uint32_t c = 0; c < channels_; ++c)
        peak = std::max(peak, chunkPeak(history_[c].data() + fill_ - kHistory, n));
      fill_ += n;
      interleaved += static_cast<std::size_t>(n) * channels_;
      frames -= n;
    }
    return peak;
  }

  // process() for a caller that only needs to know whether the block tops `known` (a running
  // maximum): returns the block's peak if it may, or 0 when it provably cannot. No oversampled
  // value can exceed gain() times the largest sample magnitude in its kernel's reach (the block
  // and the kTaps frames before it), so when that bound is at most `known` the block is only
  // appended to the history, at a memory copy's cost: a quiet passage, or one below a peak
  // already read, or digital silence (bound 0), costs next to nothing. Exact: the maximum it keeps is process()'s.
  float processAbove(const float* interleaved, std::uint32_t frames, float known) noexcept {
    if (bound(interleaved, frames) * kernel_.gain <= known) {
      skip(interleaved, frames);
      return 0.0f;
    }
    return process(interleaved, frames);
  }

  // Only appends the block to the history, for a caller that knows its peak otherwise.
  void skip(const float* interleaved, std::uint32_t frames) noexcept {
    while (frames > 0) {
      const std::uint32_t n = frames < kChunk ? frames : kChunk;
      append(interleaved, n);
      fill_ += n;
      interleaved += static_cast<std::size_t>(n) * channels_;
      frames -= n;
    }
  }

  // The largest kernel's sum of |coefficients|, over the phases: how far above the largest
  // sample in reach an oversampled value can be.
  float gain() const noexcept { return kernel_.gain; }

  // Coefficient of input tap k (0 = oldest of the kTaps) for phase p: exposed for the tests.
  float coefficient(std::uint32_t k, std::uint32_t p) const noexcept { return kernel_.coef[k][p]; }

 private:
  static constexpr std::uint32_t kHistory = kTaps - 1;  // frames before the newest a value needs

  // Keeps the newest kHistory frames and makes room for n more after them (n <= kChunk).
  void makeRoom(std::uint32_t n) noexcept {
    if (fill_ + n <= kHistory + kChunk) return;
    for (std::uint32_t c = 0; c < channels_; ++c)
      std::memmove(history_[c].data(), history_[c].data() + fill_ - kHistory, kHistory * sizeof(float));
    fill_ = kHistory;
  }

  // De-interleaves n frames (n <= kChunk) into the history at fill_ (which the caller advances).
  void append(const float* interleaved, std::uint32_t n) noexcept {
    makeRoom(n);
    std::uint32_t f = 0;
    if (channels_ == 2)  // four frames at a time
      for (simd::F4 l, r; f + 4 <= n; f += 4) {
        simd::deinterleave(interleaved + 2 * f, l, r);
        l.store(history_[0].data() + fill_ + f), r.store(history_[1].data() + fill_ + f);
      }
    for (std::uint32_t c = 0; c < channels_; ++c) {
      float* h = history_[c].data() + fill_;
      for (std::uint32_t g = f; g < n; ++g) h[g] = interleaved[static_cast<std::size_t>(g) * channels_ + c];
    }
  }

  // The peak over the oversampled values of n frames of one channel, whose windows start at x
  // (frame f's kTaps frames are x[f .. f + kTaps - 1]). Phase 0 is the sample itself, x[f +
  // kTaps/2 - 1]; phases 1-3 sixteen (AVX-512), eight (AVX) or four frames per vector: lane i of load(x + f + k) is
  // tap k of frame f + i. The partial sums are interpolate()'s, in its order.
  float chunkPeak(const float* x, std::uint32_t n) const noexcept {
    using simd::F4;
    float peak = simd::maxAbs(x + kDelayFrames - 1, n, 0.0f);  // phase 0: the samples themselves
    F4 m = F4::zero();
    std::uint32_t f = 0;
    if (true_peak_avx::kAvailable && width_ == 16)  // frames 0 .. f - 1, sixteen at a time, then eight
      peak = std::max(peak, true_peak_avx::peak16<kTaps, kFactor>(kernel_.byPhase, x, f = n & ~15u));
    if (true_peak_avx::kAvailable && width_ >= 8) {
      const std::uint32_t e = (n - f) & ~7u;
      peak = std::max(peak, true_peak_avx::peak<kTaps, kFactor>(kernel_.byPhase, x + f, e));
      f += e;
    }
    for (; f + 4 <= n; f += 4)
      for (std::uint32_t p = 1; p < kFactor; ++p) m = simd::maxInto(simd::abs(sums(x + f, p)), m);
    float lanes[4];
    m.store(lanes);
    for (float v : lanes) peak = v > peak ? v : peak;
    for (; f < n; ++f)  // the last frames, fewer than four; a NaN never enters std::max(peak, NaN)
      for (std::uint32_t p = 1; p < kFactor; ++p) peak = std::max(peak, std::fabs(sum(x + f, p)));
    return peak;
  }

  // Phase p of the four frames whose windows start at w, w + 1, w + 2, w + 3.
  simd::F4 sums(const float* w, std::uint32_t p) const noexcept {
    using simd::F4;
    F4 a0 = F4::zero(), a1 = F4::zero(), a2 = F4::zero(), a3 = F4::zero();
    const float* c = kernel_.rep[p][0];
    for (std::uint32_t k = 0; k < kTaps; k += 4, c += 16) {
      a0 = a0 + F4::load(c) * F4::load(w + k);
      a1 = a1 + F4::load(c + 4) * F4::load(w + k + 1);
      a2 = a2 + F4::load(c + 8) * F4::load(w + k + 2);
      a3 = a3 + F4::load(c + 12) * F4::load(w + k + 3);
    }
    return (a0 + a1) + (a2 + a3);
  }
  // Phase p of the one frame whose window starts at w: sums()'s operations, so that a frame reads
  // the same whichever computes it (even where a compiler would fuse a scalar multiply-add).
  // BlockPeak relies on it: the limiter's chunks and the meter's blocks group frames differently.
  float sum(const float* w, std::uint32_t p) const noexcept {
    using simd::F4;
    F4 a = F4::zero();
    for (std::uint32_t k = 0; k < kTaps; k += 4) a = a + F4::load(kernel_.byPhase[p] + k) * F4::load(w + k);
    float acc[4];
    a.store(acc);
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
  }

  // The largest sample magnitude over the block and the history the block's values reach.
  // A NaN never enters it: its values are NaN, which no peak takes either.
  float bound(const float* interleaved, std::uint32_t frames) const noexcept {
    float m = simd::maxAbs(interleaved, static_cast<std::size_t>(frames) * channels_, 0.0f);
    for (std::uint32_t c = 0; c < channels_; ++c) m = simd::maxAbs(history_[c].data() + fill_ - kHistory, kHistory, m);
    return m;
  }

  TruePeakKernel kernel_;
  // Per channel, a line of frames: the kHistory before fill_, then room for a chunk.
  std::array<std::array<float, kHistory + kChunk>, kMaxChannels> history_{};
  std::uint32_t channels_ = 1;
  std::uint32_t fill_ = kHistory;  // slot of the next frame
  static std::uint32_t widthFor(std::uint32_t w) noexcept {
    return w >= 16 && simd::kCpuHasAvx512 ? 16 : w >= 8 && simd::kCpuHasAvx ? 8 : 4;
  }
  std::uint32_t width_ = widthFor(16);  // see setVectorWidth()
};

}  // namespace ringmix::engine
