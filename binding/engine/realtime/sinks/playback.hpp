// The body of an extra output device's callback: read the mix from the broadcast ring, resampled
// to the device's rate and, with drift compensation, at a ratio that keeps the device's lag behind
// the mix steady although its clock is not the master's (a DriftLoop against the mix's own clock
// stamp), into the device's buffer, clipped to ±1. Without compensation a slow or fast device
// clock shows up as counted underflows (silence inserted) or dropouts (frames skipped); the mix
// never waits either way. Real-time code (construction excepted).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>

#include "devices/stream_buffers.hpp"
#include "engine/realtime/drift/clock_dll.hpp"
#include "engine/realtime/drift/clock_stamp.hpp"
#include "engine/realtime/drift/drift_loop.hpp"
#include "engine/realtime/dsp/resampler.hpp"
#include "engine/realtime/sinks/clip.hpp"
#include "platform/clock.hpp"
#include "rt/spmc_ring.hpp"

namespace ringmix::engine {

namespace detail {
inline void bump(std::atomic<std::uint64_t>& a, std::uint64_t n = 1) noexcept {
  a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
}  // namespace detail

// How an output follows the mix's clock (control side, fixed at construction).
struct PlaybackDrift {
  const ClockStamp* mixStamp = nullptr;  // null: not compensated
  DriftSettings settings;                // producer: the mix; consumer: the device
};

class PlaybackSource {
 public:
  // Control side, before the stream opens. `resampler` is null when the rates match and drift is
  // not compensated; maxFrames bounds the frames converted per step; primeFrames is the jitter
  // buffer (mix frames).
  PlaybackSource(const rt::SpmcRing<float>& ring, std::uint32_t mixChannels, std::uint32_t primeFrames,
                 std::unique_ptr<Resampler> resampler, std::uint32_t maxFrames, const PlaybackDrift& drift = {})
      // Resume `primeFrames` behind the mix after a dropout (whole frames: see SpmcRing::reader).
      : reader_(ring.reader(static_cast<std::size_t>(primeFrames) * mixChannels, 0, mixChannels)),
        mixChannels_(mixChannels), primeFrames_(primeFrames), maxFrames_(maxFrames),
        resampler_(std::move(resampler)), inCapacity_(2 * maxFrames + 64),
        in_(new float[static_cast<std::size_t>(inCapacity_) * mixChannels]()),
        mix_(new float[static_cast<std::size_t>(maxFrames) * mixChannels]()), mixStamp_(drift.mixStamp),
        deviceDll_(drift.settings.consumerRate), averaged_(drift.settings.averageFill) {
    loop_.configure(drift.settings);
    counters_.ratio.store(resampler_ ? resampler_->ratio() : 1.0, std::memory_order_relaxed);
  }

  // Read by the JS thread (the reader's own position is only ever touched by the callback).
  struct Counters {
    std::atomic<std::uint64_t> underflows{0};        // buffers that had to be padded with silence
    std::atomic<std::uint64_t> deviceUnderflows{0};  // the device's own output-underflow flags
    std::atomic<std::uint64_t> lostFrames{0};        // skipped after falling behind the mix
    std::atomic<std::uint64_t> dropouts{0};
    std::atomic<std::uint64_t> lagFrames{0};         // mix frames waiting for it, after the last buffer
    std::atomic<std::uint64_t> clippedSamples{0};
    // Drift compensation (see engine/realtime/drift/drift_loop.hpp).
    std::atomic<double> ratio{1.0};                  // mix frames per device frame
    std::atomic<double> clockPpm{0.0};               // the device's clock against the mix's
    std::atomic<double> latencyFrames{0.0};          // smoothed lag behind the mix, mix frames
    std::atomic<bool> locked{false};
    std::atomic<std::uint64_t> resyncs{0};
  };
  const Counters& counters() const noexcept { return counters_; }
  std::uint32_t deviceRate(std::uint32_t mixRate) const noexcept { return resampler_ ? resampler_->outRate() : mixRate; }
  bool compensated() const noexcept { return mixStamp_ != nullptr; }

  // devices::StreamCallback.
  static void onBuffers(void* self, const devices::StreamBuffers& b) noexcept {
    static_cast<PlaybackSource*>(self)->play(b);
  }

 private:
  // Reads into dst, counting what a lap of the mix made it skip.
  std::uint32_t readInto(float* dst, std::uint32_t maxFrames) noexcept {
    const std::uint32_t ch = mixChannels_;
    const auto r = reader_.read(dst, static_cast<std::size_t>(maxFrames) * ch);
    if (r.lost) {
      detail::bump(counters_.lostFrames, r.lost / ch);
      detail::bump(counters_.dropouts);
    }
    return static_cast<std::uint32_t>(r.items / ch);
  }

  // Fills `frames` mix frames (at the device rate) into mix_; returns how many are real audio.
  std::uint32_t pullMix(std::uint32_t frames) noexcept {
    const std::uint32_t ch = mixChannels_;
    if (!resampler_) return readInto(mix_.get(), frames);
    std::uint32_t produced = 0;
    for (int guard = 0; guard < 4 && produced < frames; ++guard) {
      // Stage only what the resampler will take (about frames × ratio), so that the ring, not this
      // buffer, holds the lag the drift loop measures.
      const auto want = static_cast<std::uint32_t>((frames - produced) * resampler_->ratio()) + 2;
      if (inFill_ < want && inFill_ < inCapacity_)
        inFill_ += readInto(in_.get() + static_cast<std::size_t>(inFill_) * ch, std::min(inCapacity_, want) - inFill_);
      if (inFill_ == 0) break;
      const auto r = resampler_->process(in_.get(), inFill_, mix_.get() + static_cast<std::size_t>(produced) * ch,
                                         frames - produced);
      produced += r.produced;
      inFill_ -= r.consumed;
      std::memmove(in_.get(), in_.get() + static_cast<std::size_t>(r.consumed) * ch,
                   static_cast<std::size_t>(inFill_) * ch * sizeof(float));
      if (r.consumed == 0 && r.produced == 0) break;
    }
    return produced;
  }

  // Drops mix frames so that `keep` remain waiting.
  void dropTo(std::uint64_t keep) noexcept {
    const std::uint32_t ch = mixChannels_;
    std::uint64_t lag = reader_.lag() / ch;
    while (lag > keep) {
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(lag - keep, maxFrames_));
      if (readInto(mix_.get(), n) == 0) break;
      lag = reader_.lag() / ch;
    }
  }

  // The mix's position as the resampler sees it (mix frames, exact).
  double position() const noexcept {
    return static_cast<double>(reader_.position() / mixChannels_) - inFill_ + (resampler_ ? resampler_->committed() : 0.0);
  }

  // Once per device buffer, compensated outputs: measure both clocks and set the ratio.
  void steer(std::uint32_t frames) noexcept {
    const std::int64_t now = platform::nowNs();
    const double since = static_cast<double>(now - startNs_) * 1e-9;
    deviceDll_.setBandwidth(since < 1.0 ? 1.0 : since < 4.0 ? 0.25 : 0.05);
    deviceDll_.update(now, static_cast<double>(played_));
    const std::int64_t smoothNow = deviceDll_.timeAt(static_cast<double>(played_));
    played_ += frames;
    if (mixStamp_->version() != stampSeen_) {
      ClockStampValue v;
      if (mixStamp_->tryRead(v)) {
        stampSeen_ = mixStamp_->version();
        loop_.observeProducer(v.timeNs, static_cast<double>(v.frames), v.breaks);
      }
    }
    if (!primed_) return;
    // Averaged (see DriftSettings::averageFill): the callback's raw time; else the smoothed one.
    const auto step = loop_.step(averaged_ ? now : smoothNow, deviceDll_.rate(), position(),
                                 static_cast<double>(reader_.lag() / mixChannels_));
    if (step.remeasuring) deviceDll_.restartKeepingRate();
    if (step.resync) {
      detail::bump(counters_.resyncs);
      if (reader_.lag() / mixChannels_ > primeFrames_) {
        dropTo(primeFrames_);
        loop_.restart();
      } else {
        primed_ = false;
        loop_.restart();
      }
      return;
    }
    resampler_->setRatio(step.ratio);
  }

  void publish() noexcept {
    const std::uint32_t ch = mixChannels_;
    counters_.lagFrames.store(reader_.lag() / ch, std::memory_order_relaxed);
    if (!mixStamp_) return;
    counters_.ratio.store(resampler_->ratio(), std::memory_order_relaxed);
    counters_.clockPpm.store(-loop_.clockPpm(), std::memory_order_relaxed);  // the device's view: inverse
    counters_.latencyFrames.store(loop_.started() ? loop_.fillFrames() : static_cast<double>(reader_.lag() / ch),
                                  std::memory_order_relaxed);
    counters_.locked.store(loop_.locked(), std::memory_order_relaxed);
  }

  void play(const devices::StreamBuffers& b) noexcept {
    if (b.outputUnderflow) {
      detail::bump(counters_.deviceUnderflows);
      // The device lost time: its line of frames against time stepped, and so did the fill.
      deviceDll_.restartKeepingRate();
      loop_.noteStep();
    }
    if (startNs_ == 0) startNs_ = platform::nowNs();
    if (mixStamp_) steer(b.frames);
    const std::uint32_t ch = mixChannels_, devCh = b.outChannels;
    float* out = b.out;
    std::uint32_t frames = b.frames;
    std::uint64_t clipped = 0;
    while (frames > 0 && out) {
      const std::uint32_t n = std::min(frames, maxFrames_);
      std::uint32_t got = 0;
      // Wait for a little audio to build up first (and again after running dry), so that jitter
      // between the two clocks does not turn into a dropout every buffer. A compensated output
      // starts exactly at its target (what is beyond it is dropped before it is heard).
      if (!primed_ && reader_.lag() >= static_cast<std::uint64_t>(primeFrames_) * ch) {
        primed_ = true;
        if (mixStamp_) {
          dropTo(primeFrames_);
          loop_.restart();
        }
      }
      if (primed_) {
        got = pullMix(n);
        if (got < n) {
          detail::bump(counters_.underflows);
          if (mixStamp_ && heard_) detail::bump(counters_.resyncs);
          primed_ = false;
          loop_.restart();  // not locked while it waits
        }
        heard_ = true;
      }
      for (std::uint32_t f = 0; f < n; ++f)
        for (std::uint32_t c = 0; c < devCh; ++c) {
          // A mono mix goes to every device channel; a stereo mix to the first two.
          const std::uint32_t src = ch == 1 ? 0 : c;
          out[f * devCh + c] = (f < got && src < ch) ? mix_[f * ch + src] : 0.0f;
        }
      clipped += clipToUnit(out, static_cast<std::size_t>(n) * devCh);
      out += static_cast<std::size_t>(n) * devCh;
      frames -= n;
    }
    if (clipped) detail::bump(counters_.clippedSamples, clipped);
    publish();
  }

  rt::SpmcRing<float>::Reader reader_;
  const std::uint32_t mixChannels_, primeFrames_, maxFrames_;
  std::unique_ptr<Resampler> resampler_;
  const std::uint32_t inCapacity_;   // frames
  std::unique_ptr<float[]> in_;      // mix-rate frames waiting for the resampler
  std::uint32_t inFill_ = 0;
  std::unique_ptr<float[]> mix_;     // one step of mix frames at the device rate
  bool primed_ = false;
  bool heard_ = false;
  // Drift compensation.
  const ClockStamp* mixStamp_;
  DriftLoop loop_;
  ClockDll deviceDll_;
  const bool averaged_;
  std::uint64_t stampSeen_ = 0;
  std::uint64_t played_ = 0;  // device frames
  std::int64_t startNs_ = 0;
  Counters counters_;
};

}  // namespace ringmix::engine
