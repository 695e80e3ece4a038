// VirtualSource: the real-time half of a virtual device: a generator that behaves like a capture
// device on its own clock, skewed by clockPpm from the master (changeable while it runs, like a
// crystal warming up). It pushes whole periods into its input's ring as its clock reaches them;
// what does not fit is lost and counted by the ring (an overrun), as with a real capture device.
// After each delivery it stamps its clock (frames delivered, when) for drift compensation.
// Real-time code (construction excepted).
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>

#include "engine/realtime/drift/clock_stamp.hpp"
#include "engine/realtime/sources/generator.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

// The resampler's pass-through delay (Resampler::kTaps / 2), which direct rendering reproduces.
inline constexpr std::uint32_t kDirectDelay = 32;

class VirtualSource {
 public:
  // Control side: allocates its scratch period and takes the ring's producer end.
  VirtualSource(const GeneratorParams& params, double clockPpm, std::uint32_t sampleRate, std::uint32_t channels,
                std::uint32_t periodFrames, rt::SpscRing<float>& ring, ClockStamp& stamp, std::uint64_t seed)
      : sink_(ring.producer()), stamp_(stamp), channels_(channels), periodFrames_(periodFrames),
        sampleRate_(sampleRate),
        maxBurstPeriods_(std::max<std::uint64_t>(1, ring.capacity() / (static_cast<std::size_t>(periodFrames) * channels))),
        scratch_(new float[static_cast<std::size_t>(periodFrames) * channels]()) {
    generator_.configure(params, sampleRate, channels, seed);
    setClockPpm(clockPpm);
    ratio_ = wantedRatio_.load(std::memory_order_relaxed);
  }

  // Any thread: the clock's offset from the master from now on.
  void setClockPpm(double ppm) noexcept { wantedRatio_.store(1.0 + ppm / 1e6, std::memory_order_relaxed); }

  // Wall-clock devices (virtual and device master clocks), called by the device host's thread: pushes
  // every period this device's clock has reached by nowNs. Its clock starts at the first call after
  // restart(), with a period ready at once, like a device starting.
  void tick(std::int64_t nowNs) noexcept {
    if (startNs_ == 0) startNs_ = anchorNs_ = nowNs, anchorPeriods_ = 0.0;
    const double ratio = wantedRatio_.load(std::memory_order_relaxed);
    if (ratio != ratio_) {  // re-anchor: periods so far at the old rate, the new rate from now
      anchorPeriods_ = periodsAt(nowNs);
      anchorNs_ = nowNs;
      ratio_ = ratio;
    }
    const auto due = static_cast<std::uint64_t>(periodsAt(nowNs)) + 1;
    if (due <= periodsDone_) return;
    // After a long stall (the machine overloaded) a real device would have overflowed its own
    // buffer: deliver at most a ring's worth, and drop the rest of the backlog.
    const std::uint64_t n = std::min(due - periodsDone_, maxBurstPeriods_);
    produce(n * periodFrames_);
    periodsDone_ = due;
    // Stamped with when its clock reached that period, not when the host thread got round to it:
    // a real device's hardware timestamp, free of the host's scheduling jitter.
    stamp_.publish({timeOfPeriod(static_cast<double>(due - 1)), delivered_});
  }
  // Simulated clock, a generator on the mixer's own clock (0 ppm): "direct", the mix cycle renders
  // it straight into the input's buffer (renderDirect()), with no ring, resampler or drift loop
  // in between: through them its frames would only be copied, at a third of a strip's cost. It
  // keeps the time line the ring gives in steady state, where the ring holds `fill` frames after
  // each pull and the resampler's pass-through delays them kDelay more: mix frame t (since the
  // cycle first took the input) plays generator frame t + offset, offset = lead - fill - kDelay
  // (before frame 0: silence). Leaving (the clock was skewed) rebuilds exactly that ring, so the
  // signal goes on without a seam (leaveDirect()). Control side, before the cycle takes the input.
  static constexpr std::uint32_t kDelay = kDirectDelay;
  // Control side, before it renders anything: a sine's groups of sixteen start at its frames
  // `origin` + 16k (Generator::setSineLead()). With the direct offset as origin, the cycle's
  // renders (frames offset + k·period) are whole groups when the period is a multiple of 16. Set it
  // whether or not the input goes direct, so that the ring-fed signal is the same bits.
  void alignSine(std::int64_t origin) noexcept {
    constexpr std::int64_t kGroup = SineOscillator::kLanes;
    generator_.setSineLead(static_cast<std::uint32_t>(((-origin) % kGroup + kGroup) % kGroup));
  }
  void enableDirect(std::int64_t offset, std::uint32_t fill) noexcept {
    directOffset_ = offset;
    directFill_ = fill;
  }
  // The fill the ring would hold: the input's latency in its metrics.
  std::uint32_t directFill() const noexcept { return directFill_; }
  // Mix cycle, direct: the next `frames` frames of the signal into `out`, interleaved, or with
  // `mono` one channel of them (every channel carries the same). The last kDelay frames are kept
  // (a resampler's history, should the input leave direct mode).
  void renderDirect(float* out, std::uint32_t frames, bool mono = false) noexcept {
    const std::size_t ch = mono ? 1 : channels_;
    std::uint32_t done = 0;
    if (!directStarted_) {
      directStarted_ = true;
      for (std::int64_t skip = directOffset_; skip > 0;) {  // the frames the ring would have dropped
        const auto n = static_cast<std::uint32_t>(std::min<std::int64_t>(skip, periodFrames_));
        generator_.render(scratch_.get(), n);
        produced_ += n, delivered_ += n, skip -= n;
      }
      silence_ = directOffset_ < 0 ? static_cast<std::uint64_t>(-directOffset_) : 0;
    }
    if (silence_ > 0) {  // before the signal's first frame
      done = static_cast<std::uint32_t>(std::min<std::uint64_t>(silence_, frames));
      std::fill(out, out + done * ch, 0.0f);
      silence_ -= done;
    }
    if (mono) generator_.renderMono(out + done, frames - done);
    else generator_.render(out + done * ch, frames - done);
    produced_ += frames - done, delivered_ += frames - done;
    keepTail(out, frames, ch);
  }

  // Simulated clock, direct, at a cycle's start, `masterFrames` mixed since the device was added
  // (the clock was skewed: the signal must go through the ring and its resampler from now on).
  // Writes the resampler's window (kTaps = 2 × kDelay frames, oldest first: the kDelay played,
  // then the kDelay it plays next), fills the ring up to where the clock is due, `leadFrames`
  // ahead, and sets `consumed` to the frames the consumer has taken from the ring: the state the
  // ring would be in. false, with nothing written, if the signal has not started playing (the
  // cycle had not taken the input yet, or it was still in its leading silence): the ring then
  // starts as any device's does.
  bool leaveDirect(float* window, std::uint64_t masterFrames, std::uint32_t leadFrames, std::int64_t timeNs,
                   std::uint64_t& consumed) noexcept {
    // Its clock was the master's until now: at 0 ppm a device frame per master frame.
    position_ = static_cast<double>(masterFrames);
    lastMaster_ = masterFrames;
    if (!directStarted_ || silence_ > 0) return false;
    const std::size_t ch = channels_;
    for (std::uint32_t i = 0; i < kDelay; ++i)
      for (std::size_t c = 0; c < ch; ++c) window[i * ch + c] = tail_[i];
    generator_.render(window + kDelay * ch, kDelay);
    produced_ += kDelay, delivered_ += kDelay;
    consumed = produced_;
    const auto due = static_cast<std::uint64_t>(std::floor(position_)) + leadFrames;
    if (due > produced_) produce(due - produced_);
    stamp_.publish({timeNs, delivered_});
    return true;
  }

  // Control side, while the host thread is stopped: the next tick() starts its clock afresh.
  void restart() noexcept { startNs_ = 0, periodsDone_ = 0; }

  // Simulated clock: pushes every frame its clock has reached when the master reaches
  // `masterFrames` (since the device was added), plus `leadFrames` produced ahead (like a
  // device's buffer); `timeNs` is the simulated clock's time, for the stamp.
  void advanceTo(std::uint64_t masterFrames, std::uint32_t leadFrames, std::int64_t timeNs) noexcept {
    ratio_ = wantedRatio_.load(std::memory_order_relaxed);
    position_ += static_cast<double>(masterFrames - lastMaster_) * ratio_;
    lastMaster_ = masterFrames;
    const auto due = static_cast<std::uint64_t>(std::floor(position_)) + leadFrames;
    if (due > produced_) produce(due - produced_);
    stamp_.publish({timeNs, delivered_});
  }

 private:
  // Periods of this device's clock elapsed at nowNs (fractional), and the inverse.
  double periodsAt(std::int64_t nowNs) const noexcept {
    return anchorPeriods_ + static_cast<double>(nowNs - anchorNs_) * 1e-9 * sampleRate_ * ratio_ / periodFrames_;
  }
  std::int64_t timeOfPeriod(double periods) const noexcept {
    return anchorNs_ + static_cast<std::int64_t>(std::llround((periods - anchorPeriods_) * periodFrames_ * 1e9 /
                                                               (sampleRate_ * ratio_)));
  }

  // The newest kDelay frames played (silence included) into tail_, from `frames` frames of `ch`
  // interleaved channels: one channel of them, as every channel carries the same.
  void keepTail(const float* out, std::uint32_t frames, std::size_t ch) noexcept {
    if (ch == 1 && frames >= kDelay) {  // the usual case: one fixed-size copy, inlined
      std::memcpy(tail_, out + (frames - kDelay), sizeof tail_);
      return;
    }
    const std::uint32_t take = std::min(frames, kDelay);
    if (take < kDelay) std::copy(tail_ + take, tail_ + kDelay, tail_);
    float* to = tail_ + (kDelay - take);
    const float* from = out + (frames - take) * ch;
    if (ch == 1) {
      std::copy(from, from + take, to);
    } else {
      for (std::uint32_t i = 0; i < take; ++i) to[i] = from[i * ch];
    }
  }

  void produce(std::uint64_t frames) noexcept {
    while (frames > 0) {
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(frames, periodFrames_));
      generator_.render(scratch_.get(), n);
      delivered_ += sink_.push(scratch_.get(), static_cast<std::size_t>(n) * channels_, channels_) / channels_;
      frames -= n;
      produced_ += n;
    }
  }

  rt::SpscRing<float>::Producer sink_;
  ClockStamp& stamp_;
  Generator generator_;
  const std::uint32_t channels_;
  const std::uint32_t periodFrames_;
  const double sampleRate_;
  const std::uint64_t maxBurstPeriods_;
  std::unique_ptr<float[]> scratch_;
  std::atomic<double> wantedRatio_{1.0};  // frames produced per master frame: 1 + clockPpm / 1e6
  double ratio_ = 1.0;
  std::uint64_t produced_ = 0;   // frames generated
  std::uint64_t delivered_ = 0;  // of those, frames the ring took
  // Simulated clock.
  double position_ = 0.0;  // device frames due (fractional)
  std::uint64_t lastMaster_ = 0;
  // Direct (see enableDirect()).
  bool directStarted_ = false;
  std::int64_t directOffset_ = 0;
  std::uint32_t directFill_ = 0;
  std::uint64_t silence_ = 0;  // frames of silence still to play before the signal
  float tail_[kDirectDelay] = {};  // the newest kDelay frames played: one channel (all are the same)
  // Wall clock.
  std::int64_t startNs_ = 0;
  std::int64_t anchorNs_ = 0;
  double anchorPeriods_ = 0.0;
  std::uint64_t periodsDone_ = 0;
};

}  // namespace ringmix::engine
