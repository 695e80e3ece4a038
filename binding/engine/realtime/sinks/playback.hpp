// The body of an extra output device's callback: read the mix from the broadcast ring (resampled
// when the device runs at another rate) into the device's buffer, clipped to ±1. A slow or fast
// device clock shows up as counted underflows (silence inserted) or dropouts (frames skipped);
// the mix never waits. Real-time code (construction excepted).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>

#include "devices/stream_buffers.hpp"
#include "engine/realtime/sinks/clip.hpp"
#include "engine/realtime/dsp/resampler.hpp"
#include "rt/spmc_ring.hpp"

namespace ringmix::engine {

namespace detail {
inline void bump(std::atomic<std::uint64_t>& a, std::uint64_t n = 1) noexcept {
  a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
}  // namespace detail

class PlaybackSource {
 public:
  // Control side, before the stream opens. `resampler` is null when the rates match; maxFrames
  // bounds the frames converted per step; primeFrames is the jitter buffer (mix frames).
  PlaybackSource(const rt::SpmcRing<float>& ring, std::uint32_t mixChannels, std::uint32_t primeFrames,
                 std::unique_ptr<Resampler> resampler, std::uint32_t maxFrames)
      // Resume `primeFrames` behind the mix after a dropout (whole frames: see SpmcRing::reader).
      : reader_(ring.reader(static_cast<std::size_t>(primeFrames) * mixChannels, 0, mixChannels)),
        mixChannels_(mixChannels), primeFrames_(primeFrames), maxFrames_(maxFrames),
        resampler_(std::move(resampler)), inCapacity_(2 * maxFrames + 64),
        in_(new float[static_cast<std::size_t>(inCapacity_) * mixChannels]()),
        mix_(new float[static_cast<std::size_t>(maxFrames) * mixChannels]()) {}

  // Read by the JS thread (the reader's own position is only ever touched by the callback).
  struct Counters {
    std::atomic<std::uint64_t> underflows{0};        // buffers that had to be padded with silence
    std::atomic<std::uint64_t> deviceUnderflows{0};  // the device's own output-underflow flags
    std::atomic<std::uint64_t> lostFrames{0};        // skipped after falling behind the mix
    std::atomic<std::uint64_t> dropouts{0};
    std::atomic<std::uint64_t> lagFrames{0};         // mix frames waiting for it, after the last buffer
    std::atomic<std::uint64_t> clippedSamples{0};
  };
  const Counters& counters() const noexcept { return counters_; }
  std::uint32_t deviceRate(std::uint32_t mixRate) const noexcept { return resampler_ ? resampler_->outRate() : mixRate; }

  // devices::StreamCallback.
  static void onBuffers(void* self, const devices::StreamBuffers& b) noexcept {
    static_cast<PlaybackSource*>(self)->play(b);
  }

 private:
  // Fills `frames` mix frames (at the device rate) into mix_; returns how many are real audio.
  std::uint32_t pullMix(std::uint32_t frames) noexcept {
    const std::uint32_t ch = mixChannels_;
    auto readInto = [&](float* dst, std::uint32_t maxFrames) -> std::uint32_t {
      const auto r = reader_.read(dst, static_cast<std::size_t>(maxFrames) * ch);
      if (r.lost) {
        detail::bump(counters_.lostFrames, r.lost / ch);
        detail::bump(counters_.dropouts);
      }
      return static_cast<std::uint32_t>(r.items / ch);
    };
    if (!resampler_) return readInto(mix_.get(), frames);
    std::uint32_t produced = 0;
    for (int guard = 0; guard < 4 && produced < frames; ++guard) {
      if (inFill_ < inCapacity_)
        inFill_ += readInto(in_.get() + static_cast<std::size_t>(inFill_) * ch, inCapacity_ - inFill_);
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

  void play(const devices::StreamBuffers& b) noexcept {
    if (b.outputUnderflow) detail::bump(counters_.deviceUnderflows);
    const std::uint32_t ch = mixChannels_, devCh = b.outChannels;
    float* out = b.out;
    std::uint32_t frames = b.frames;
    std::uint64_t clipped = 0;
    while (frames > 0 && out) {
      const std::uint32_t n = std::min(frames, maxFrames_);
      std::uint32_t got = 0;
      // Wait for a little audio to build up first (and again after running dry), so that jitter
      // between the two clocks does not turn into a dropout every buffer.
      if (!primed_ && reader_.lag() >= static_cast<std::uint64_t>(primeFrames_) * ch) primed_ = true;
      if (primed_) {
        got = pullMix(n);
        if (got < n) {
          detail::bump(counters_.underflows);
          primed_ = false;
        }
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
    counters_.lagFrames.store(reader_.lag() / ch, std::memory_order_relaxed);
  }

  rt::SpmcRing<float>::Reader reader_;
  const std::uint32_t mixChannels_, primeFrames_, maxFrames_;
  std::unique_ptr<Resampler> resampler_;
  const std::uint32_t inCapacity_;   // frames
  std::unique_ptr<float[]> in_;      // mix-rate frames waiting for the resampler
  std::uint32_t inFill_ = 0;
  std::unique_ptr<float[]> mix_;     // one step of mix frames at the device rate
  bool primed_ = false;
  Counters counters_;
};

}  // namespace ringmix::engine
