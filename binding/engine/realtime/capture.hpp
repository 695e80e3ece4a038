// The body of a capture device's callback: take the selected channels of the device's frames and
// push them into the input's ring. Nothing else happens in a capture callback. Real-time code.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>

#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

struct CaptureShared {
  // Built on the JS thread before the stream starts.
  CaptureShared(rt::SpscRing<float>& r, std::uint32_t deviceCh, std::uint32_t ch, const std::uint32_t* channelMap,
                std::uint32_t maxFrames)
      : ring(r), deviceChannels(deviceCh), channels(ch), scratchFrames(maxFrames),
        scratch(new float[static_cast<std::size_t>(maxFrames) * ch]()) {
    for (std::uint32_t c = 0; c < ch; ++c) map[c] = channelMap[c];
  }

  rt::SpscRing<float>& ring;
  const std::uint32_t deviceChannels;  // channels in each device frame
  const std::uint32_t channels;        // channels kept (1 or 2)
  std::uint32_t map[2] = {0, 1};       // device channel of each kept channel
  const std::uint32_t scratchFrames;
  std::unique_ptr<float[]> scratch;

  // Written by the callback, read by the JS thread.
  std::atomic<std::uint64_t> callbacks{0};
  std::atomic<std::uint64_t> overflows{0};  // the device's own input-overflow flags
};

inline void captureInto(CaptureShared& s, const float* in, unsigned long frames, bool overflowFlag) noexcept {
  s.callbacks.store(s.callbacks.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  if (overflowFlag) s.overflows.store(s.overflows.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  while (frames > 0) {
    const auto n = static_cast<std::uint32_t>(std::min<unsigned long>(frames, s.scratchFrames));
    float* out = s.scratch.get();
    for (std::uint32_t f = 0; f < n; ++f)
      for (std::uint32_t c = 0; c < s.channels; ++c)
        out[f * s.channels + c] = in ? in[f * s.deviceChannels + s.map[c]] : 0.0f;
    s.ring.push(out, static_cast<std::size_t>(n) * s.channels, s.channels);  // overflow is counted
    frames -= n;
    if (in) in += static_cast<std::size_t>(n) * s.deviceChannels;
  }
}

}  // namespace ringmix::engine
