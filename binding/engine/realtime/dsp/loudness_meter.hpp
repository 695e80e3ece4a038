// LoudnessMeter: EBU R128 / ITU-R BS.1770-4 loudness of the master, as EBU Tech 3341 ("EBU Mode")
// and Tech 3342 define the readings:
//   momentaryLufs   400 ms window          updated every 100 ms (a sub-block boundary)
//   shortTermLufs   3 s window             updated every 100 ms
//   integratedLufs  gated, since reset()   updated every 100 ms (a new 400 ms block, 75 % overlap)
//   rangeLu         LRA, since reset()     updated every 100 ms (a new short-term value, 10 Hz)
//   truePeakDbtp    maximum since reset()  updated every add() (4× oversampled, true_peak.hpp)
// Readings are -Infinity while there is nothing to show: before the first 100 ms, on digital
// silence, or (integrated, range) until something passes the gates.
//
// Each channel is K-weighted (k_weighting.hpp) and its mean square summed with its BS.1770 weight
// (1 for L, R, C and mono; 1.41 for surrounds; 0 for LFE) into 100 ms sub-blocks. The windows are
// sums of whole sub-blocks kept in a ring of 30, so a reading costs nothing per sample, and every
// window holds exactly its length of audio (at rates where 100 ms is not a whole number of frames
// the sub-blocks alternate lengths and the sums divide by their actual frames). The windows count
// the time before reset() as silence, as a meter that was just switched on shows; the gated
// measures take only complete blocks (the first at 400 ms, the first short-term value at 3 s).
// Integrated and range keep histograms, not history (loudness_gating.hpp: bins of 0.01 LU, error
// bounds there). Per frame: two biquads per channel in double and the true-peak interpolator;
// ~17 ns per stereo frame (~26 without AVX), mostly the interpolator (bench/dsp_master.cpp), which
// is skipped for a block that provably cannot top the true peak read so far
// (TruePeakDetector::processAbove(): quiet passages, or anything below an earlier peak), and
// taken from the master's limiter where that computed the same values (add() with a BlockPeak).
//
// configure() and everything after it touch only inline arrays: no allocation, lock or system
// call. The object is large (~250 KB: the histograms), so build it where it lives (the engine),
// not on a stack.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/realtime/dsp/k_weighting.hpp"
#include "engine/realtime/dsp/loudness_gating.hpp"
#include "engine/realtime/dsp/true_peak.hpp"

namespace ringmix::engine {

class LoudnessMeter {
 public:
  static constexpr std::uint32_t kMaxChannels = TruePeakDetector::kMaxChannels;
  static constexpr std::uint32_t kMomentaryBlocks = 4;   // 400 ms of 100 ms sub-blocks
  static constexpr std::uint32_t kShortTermBlocks = 30;  // 3 s

  LoudnessMeter() noexcept { configure(48000.0, 2); }

  // Channel order for 5 and 6 channels is BS.1770's: L, R, C, (LFE,) Ls, Rs.
  void configure(double sampleRate, std::uint32_t channels) noexcept {
    sampleRate_ = std::clamp(sampleRate, 8000.0, 384000.0);
    channels_ = std::clamp<std::uint32_t>(channels, 1, kMaxChannels);
    weights_.fill(1.0);
    if (channels_ == 5) weights_[3] = weights_[4] = 1.41;
    if (channels_ == 6) {
      weights_[3] = 0.0;
      weights_[4] = weights_[5] = 1.41;
    }
    for (std::uint32_t c = 0; c < channels_; ++c) filters_[c].configure(sampleRate_);
    truePeak_.configure(channels_);
    reset();
  }

  // Overrides a channel's weight (BS.1770 G_i), e.g. for another surround order.
  void setChannelWeight(std::uint32_t channel, double weight) noexcept {
    if (channel < kMaxChannels && weight >= 0.0 && weight <= 10.0) weights_[channel] = weight;
  }

  void reset() noexcept {
    for (std::uint32_t c = 0; c < channels_; ++c) filters_[c].reset();
    truePeak_.reset();
    integrated_.reset();
    range_.reset();
    // The windows start full of silence of nominal length.
    const auto nominal = static_cast<std::uint32_t>(std::llround(sampleRate_ * 0.1));
    energy_.fill(0.0);
    frames_.fill(nominal);
    next_ = 0;
    completed_ = 0;
    framesTotal_ = 0;
    blockEnd_ = boundary(1);
    blockSum_ = 0.0;
    peak_ = 0.0f;
    momentary_ = shortTerm_ = integratedLufs_ = rangeLu_ = -std::numeric_limits<double>::infinity();
  }

  void add(const float* interleaved, std::uint32_t frames) noexcept { add(interleaved, frames, {}); }

  // add() with the block's true peak known from elsewhere (TruePeakLimiter::outputPeak(), when
  // this meter is given every block that limiter outputs, as the master does): the values are
  // then not computed a second time. Same readings as add(): an exact value is the maximum
  // truePeak_ would compute, a bound no higher than the peak so far changes nothing (as in
  // processAbove()). Not before truePeak_'s history holds kTaps - 1 frames of this audio: after
  // reset() it holds silence, not what the source's values were computed from.
  void add(const float* interleaved, std::uint32_t frames, const TruePeakDetector::BlockPeak& known) noexcept {
    if (known.valid && framesTotal_ >= TruePeakDetector::kTaps - 1 && (known.exact || known.value <= peak_)) {
      truePeak_.skip(interleaved, frames);
      peak_ = std::max(peak_, known.value);
    } else {
      peak_ = std::max(peak_, truePeak_.processAbove(interleaved, frames, peak_));
    }
    std::uint32_t done = 0;
    while (done < frames) {
      const auto run = static_cast<std::uint32_t>(std::min<std::uint64_t>(frames - done, blockEnd_ - framesTotal_));
      const float* x = interleaved + static_cast<std::size_t>(done) * channels_;
      if (channels_ == 2) {  // both filters side by side (same sums as one at a time)
        double l = 0.0, r = 0.0;
        KWeighting::sumOfSquaresStereo(filters_[0], filters_[1], x, run, l, r);
        blockSum_ += weights_[0] * l;
        blockSum_ += weights_[1] * r;
      } else {
        for (std::uint32_t c = 0; c < channels_; ++c) {
          const double s = filters_[c].sumOfSquares(x + c, run, channels_);
          blockSum_ += weights_[c] * s;
        }
      }
      done += run;
      framesTotal_ += run;
      if (framesTotal_ == blockEnd_) completeBlock();
    }
  }

  double momentaryLufs() const noexcept { return momentary_; }
  double shortTermLufs() const noexcept { return shortTerm_; }
  double integratedLufs() const noexcept { return integratedLufs_; }
  double rangeLu() const noexcept { return rangeLu_; }
  double truePeakDbtp() const noexcept {
    return peak_ > 0.0f ? 20.0 * std::log10(static_cast<double>(peak_)) : -std::numeric_limits<double>::infinity();
  }

  std::uint32_t channels() const noexcept { return channels_; }
  double sampleRate() const noexcept { return sampleRate_; }

 private:
  // Frame count at the end of the k-th sub-block since reset (k >= 1): 100 ms each, rounded, so
  // the error never accumulates.
  std::uint64_t boundary(std::uint64_t k) const noexcept {
    return static_cast<std::uint64_t>(std::llround(static_cast<double>(k) * sampleRate_ * 0.1));
  }

  // Mean square over the newest `blocks` sub-blocks.
  double window(std::uint32_t blocks) const noexcept {
    double e = 0.0;
    std::uint64_t n = 0;
    for (std::uint32_t i = 1; i <= blocks; ++i) {
      const std::uint32_t j = (next_ + kShortTermBlocks - i) % kShortTermBlocks;
      e += energy_[j];
      n += frames_[j];
    }
    return n > 0 ? e / static_cast<double>(n) : 0.0;
  }

  void completeBlock() noexcept {
    const std::uint64_t start = boundary(completed_);
    energy_[next_] = blockSum_;
    frames_[next_] = static_cast<std::uint32_t>(blockEnd_ - start);
    next_ = (next_ + 1) % kShortTermBlocks;
    ++completed_;
    blockSum_ = 0.0;
    blockEnd_ = boundary(completed_ + 1);

    const double m = window(kMomentaryBlocks);
    const double s = window(kShortTermBlocks);
    momentary_ = loudness::toLufs(m);
    shortTerm_ = loudness::toLufs(s);
    if (completed_ >= kMomentaryBlocks) {
      integrated_.add(m);
      integratedLufs_ = integrated_.loudness();
    }
    if (completed_ >= kShortTermBlocks) {
      range_.add(s);
      rangeLu_ = range_.range();
    }
  }

  double sampleRate_ = 48000.0;
  std::uint32_t channels_ = 2;
  std::array<double, kMaxChannels> weights_{};
  std::array<KWeighting, kMaxChannels> filters_{};
  TruePeakDetector truePeak_;
  IntegratedGate integrated_;
  RangeGate range_;

  std::array<double, kShortTermBlocks> energy_{};        // weighted sum of squares per sub-block
  std::array<std::uint32_t, kShortTermBlocks> frames_{};  // its length
  std::uint32_t next_ = 0;                                // slot of the next sub-block
  std::uint64_t completed_ = 0;                           // sub-blocks since reset
  std::uint64_t framesTotal_ = 0;
  std::uint64_t blockEnd_ = 0;
  double blockSum_ = 0.0;
  float peak_ = 0.0f;
  double momentary_ = 0, shortTerm_ = 0, integratedLufs_ = 0, rangeLu_ = 0;
};

}  // namespace ringmix::engine
