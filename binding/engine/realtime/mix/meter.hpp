// WindowMeter: peak and RMS of each channel over a sliding window of recent blocks (cycles).
// Each cycle adds one block; the window is a fixed number of blocks kept in inline arrays, so the
// meter never allocates. Real-time code.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "engine/realtime/dsp/peak_meter.hpp"
#include "engine/realtime/dsp/simd.hpp"

namespace ringmix::engine {

class WindowMeter {
 public:
  static constexpr std::size_t kMaxBlocks = 256;
  static constexpr std::size_t kMaxChannels = 2;

  void configure(std::size_t windowBlocks) noexcept {
    window_ = std::clamp<std::size_t>(windowBlocks, 1, kMaxBlocks);
    clear();
  }

  void clear() noexcept {
    for (auto& c : chans_) {
      c.peaks.fill(0.0f);
      c.sumSq.fill(0.0);
    }
    frames_.fill(0);
    next_ = 0;
  }

  // Accumulators for the block being built: callers add samples, then commit once per cycle.
  void beginBlock() noexcept {
    for (auto& c : chans_) {
      c.blockPeak = 0.0f;
      c.blockSumSq = 0.0;
    }
  }
  // A whole block of interleaved frames (channels <= kMaxChannels). Eight lanes over the
  // interleaved samples (lane j holds channel j % channels), so the loop reads memory in order
  // and vectorises; the sums' rounding differs from one chain's in the last bits.
  void addFrames(const float* x, std::uint32_t frames, std::uint32_t channels) noexcept {
    if (channels == 0 || channels > kMaxChannels) return;
    constexpr std::uint32_t kLanes = 8;  // a multiple of every channel count up to kMaxChannels
    float peak[kLanes] = {}, sq[kLanes] = {};
    const std::size_t n = static_cast<std::size_t>(frames) * channels;
    const std::size_t whole = n / kLanes * kLanes;
    accumulate(x, whole, peak, sq);
    for (std::size_t i = whole; i < n; ++i) {  // the tail: fewer than kLanes
      const float v = x[i], a = std::fabs(v);
      const std::size_t j = i - whole;
      peak[j] = a > peak[j] ? a : peak[j];
      sq[j] += v * v;
    }
    for (std::uint32_t c = 0; c < channels; ++c) {
      float p = 0.0f;
      double s = 0.0;
      for (std::uint32_t j = c; j < kLanes; j += channels) {
        p = std::max(p, peak[j]);
        s += sq[j];
      }
      addRun(c, p, s);
    }
  }
  // The lanes' loop (n a multiple of 8): two four-float vectors of peaks and of squares.
  static void accumulate(const float* x, std::size_t n, float* peak, float* sq) noexcept {
    using simd::F4;
    F4 p0 = F4::zero(), p1 = F4::zero(), q0 = F4::zero(), q1 = F4::zero();
    for (std::size_t i = 0; i < n; i += 8) {
      const F4 a = F4::load(x + i), b = F4::load(x + i + 4);
      p0 = simd::maxInto(simd::abs(a), p0), p1 = simd::maxInto(simd::abs(b), p1);  // a NaN never enters
      q0 = q0 + a * a, q1 = q1 + b * b;
    }
    p0.store(peak), p1.store(peak + 4), q0.store(sq), q1.store(sq + 4);
  }

  // A block measured by the peak programme meter reading the same signal (its BlockLevels):
  // the same values addFrames() would add, without a pass of its own.
  void addBlock(const PeakProgrammeMeter::BlockLevels& levels, std::uint32_t channels, std::uint32_t frames) noexcept {
    beginBlock();
    for (std::uint32_t c = 0; c < channels && c < kMaxChannels; ++c) addRun(c, levels.peak[c], levels.sumSq[c]);
    commitBlock(frames);
  }

  // addBlock() with the same levels on every channel (a signal carried once: mix/mono_fuse.hpp).
  void addBlockSame(float peak, double sumSq, std::uint32_t channels, std::uint32_t frames) noexcept {
    beginBlock();
    for (std::uint32_t c = 0; c < channels && c < kMaxChannels; ++c) addRun(c, peak, sumSq);
    commitBlock(frames);
  }

  // A run of samples measured by the caller: its peak magnitude and sum of squares.
  void addRun(std::size_t channel, float peak, double sumSq) noexcept {
    Chan& c = chans_[channel];
    c.blockPeak = peak > c.blockPeak ? peak : c.blockPeak;
    c.blockSumSq += sumSq;
  }
  void commitBlock(std::uint32_t frames) noexcept {
    for (auto& c : chans_) {
      c.peaks[next_] = c.blockPeak;
      c.sumSq[next_] = c.blockSumSq;
    }
    frames_[next_] = frames;
    next_ = next_ + 1 == window_ ? 0 : next_ + 1;  // not %: a division per input per cycle
  }

  // dBFS over the window; -Infinity for digital silence.
  float peakDb(std::size_t channel) const noexcept {
    float p = 0.0f;
    for (std::size_t i = 0; i < window_; ++i) p = std::max(p, chans_[channel].peaks[i]);
    return toDb(p);
  }
  float rmsDb(std::size_t channel) const noexcept {
    double s = 0.0;
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < window_; ++i) {
      s += chans_[channel].sumSq[i];
      n += frames_[i];
    }
    if (n == 0 || s <= 0.0) return -std::numeric_limits<float>::infinity();
    return static_cast<float>(10.0 * std::log10(s / static_cast<double>(n)));
  }

  static float toDb(float amplitude) noexcept {
    return amplitude > 0.0f ? 20.0f * std::log10(amplitude) : -std::numeric_limits<float>::infinity();
  }

 private:
  struct Chan {
    std::array<float, kMaxBlocks> peaks{};
    std::array<double, kMaxBlocks> sumSq{};
    float blockPeak = 0.0f;
    double blockSumSq = 0.0;
  };
  std::array<Chan, kMaxChannels> chans_{};
  std::array<std::uint32_t, kMaxBlocks> frames_{};
  std::size_t window_ = 1;
  std::size_t next_ = 0;
};

}  // namespace ringmix::engine
