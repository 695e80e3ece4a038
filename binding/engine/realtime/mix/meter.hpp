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
  void add(std::size_t channel, float x) noexcept {
    Chan& c = chans_[channel];
    const float a = std::fabs(x);
    c.blockPeak = a > c.blockPeak ? a : c.blockPeak;
    c.blockSumSq += static_cast<double>(x) * x;
  }
  void commitBlock(std::uint32_t frames) noexcept {
    for (auto& c : chans_) {
      c.peaks[next_] = c.blockPeak;
      c.sumSq[next_] = c.blockSumSq;
    }
    frames_[next_] = frames;
    next_ = (next_ + 1) % window_;
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
