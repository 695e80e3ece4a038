// The body of an extra output device's callback: read the mix from the broadcast ring (resampled
// when the device runs at another rate) into the device's buffer. A slow or fast device clock
// shows up as counted underflows (silence inserted) or dropouts (frames skipped); the mix never
// waits. Real-time code.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>

#include "engine/realtime/resampler.hpp"
#include "rt/spmc_ring.hpp"

namespace ringmix::engine {

struct PlaybackShared {
  // Built on the JS thread before the stream starts. maxFrames bounds one callback's buffer.
  PlaybackShared(rt::SpmcRing<float>::Reader r, std::uint32_t mixCh, std::uint32_t deviceCh,
                 std::unique_ptr<Resampler> rs, std::uint32_t maxFrames, std::uint32_t primeFrames)
      : reader(r), mixChannels(mixCh), deviceChannels(deviceCh), resampler(std::move(rs)),
        maxFrames(maxFrames), primeFrames(primeFrames),
        inCapacity(2 * maxFrames + 64),
        in(new float[static_cast<std::size_t>(2 * maxFrames + 64) * mixCh]()),
        mix(new float[static_cast<std::size_t>(maxFrames) * mixCh]()) {}

  rt::SpmcRing<float>::Reader reader;
  const std::uint32_t mixChannels, deviceChannels;
  std::unique_ptr<Resampler> resampler;  // null when the rates match
  const std::uint32_t maxFrames, primeFrames;
  const std::uint32_t inCapacity;      // frames
  std::unique_ptr<float[]> in;         // mix-rate frames waiting for the resampler
  std::uint32_t inFill = 0;
  std::unique_ptr<float[]> mix;        // one buffer of mix frames at the device rate
  bool primed = false;

  // Written by the callback, read by the JS thread.
  std::atomic<std::uint64_t> callbacks{0};
  std::atomic<std::uint64_t> underflows{0};      // callbacks that had to insert silence
  std::atomic<std::uint64_t> deviceUnderflows{0};  // the device's own output-underflow flags
  std::atomic<std::uint64_t> lostFrames{0};
  std::atomic<std::uint64_t> dropouts{0};
};

namespace detail {
inline void bump(std::atomic<std::uint64_t>& a, std::uint64_t n = 1) noexcept {
  a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
}  // namespace detail

// Fills `frames` mix frames (at the device rate) into s.mix; returns how many are real audio.
inline std::uint32_t pullMix(PlaybackShared& s, std::uint32_t frames) noexcept {
  const std::uint32_t ch = s.mixChannels;
  auto readInto = [&](float* dst, std::uint32_t maxFrames) -> std::uint32_t {
    const auto r = s.reader.read(dst, static_cast<std::size_t>(maxFrames) * ch);
    if (r.lost) {
      detail::bump(s.lostFrames, r.lost / ch);
      detail::bump(s.dropouts);
    }
    return static_cast<std::uint32_t>(r.items / ch);
  };
  if (!s.resampler) return readInto(s.mix.get(), frames);
  std::uint32_t produced = 0;
  for (int guard = 0; guard < 4 && produced < frames; ++guard) {
    if (s.inFill < s.inCapacity)
      s.inFill += readInto(s.in.get() + static_cast<std::size_t>(s.inFill) * ch, s.inCapacity - s.inFill);
    if (s.inFill == 0) break;
    const auto r = s.resampler->process(s.in.get(), s.inFill, s.mix.get() + static_cast<std::size_t>(produced) * ch,
                                        frames - produced);
    produced += r.produced;
    s.inFill -= r.consumed;
    std::memmove(s.in.get(), s.in.get() + static_cast<std::size_t>(r.consumed) * ch,
                 static_cast<std::size_t>(s.inFill) * ch * sizeof(float));
    if (r.consumed == 0 && r.produced == 0) break;
  }
  return produced;
}

inline void playbackInto(PlaybackShared& s, float* out, unsigned long frames, bool deviceUnderflow) noexcept {
  detail::bump(s.callbacks);
  if (deviceUnderflow) detail::bump(s.deviceUnderflows);
  const std::uint32_t ch = s.mixChannels;
  while (frames > 0) {
    const auto n = static_cast<std::uint32_t>(std::min<unsigned long>(frames, s.maxFrames));
    std::uint32_t got = 0;
    // Wait for a little audio to build up first (and again after running dry), so that jitter
    // between the two clocks does not turn into a dropout every buffer.
    if (!s.primed && s.reader.lag() >= static_cast<std::uint64_t>(s.primeFrames) * ch) s.primed = true;
    if (s.primed) {
      got = pullMix(s, n);
      if (got < n) {
        detail::bump(s.underflows);
        s.primed = false;
      }
    }
    for (std::uint32_t f = 0; f < n; ++f) {
      for (std::uint32_t c = 0; c < s.deviceChannels; ++c) {
        // A mono mix goes to every device channel; a stereo mix to the first two.
        const std::uint32_t src = ch == 1 ? 0 : c;
        out[f * s.deviceChannels + c] = (f < got && src < ch) ? s.mix[f * ch + src] : 0.0f;
      }
    }
    out += static_cast<std::size_t>(n) * s.deviceChannels;
    frames -= n;
  }
}

}  // namespace ringmix::engine
