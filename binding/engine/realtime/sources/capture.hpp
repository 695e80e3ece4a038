// The body of a capture device's callback: take the selected channels of the device's frames and
// push them into the input's ring, then stamp the device's clock (frames delivered, when) for drift
// compensation. Nothing else happens in a capture callback. Real-time code (construction excepted).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>

#include "devices/stream_buffers.hpp"
#include "engine/realtime/drift/clock_stamp.hpp"
#include "platform/clock.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

class CaptureSink {
 public:
  // Control side, before the stream opens: takes the ring's producer end. `channelMap` holds the
  // device channel of each kept channel (1 or 2 of them).
  CaptureSink(rt::SpscRing<float>& ring, ClockStamp& stamp, std::uint32_t channels, const std::uint32_t* channelMap,
              std::uint32_t maxFrames)
      : sink_(ring.producer()), stamp_(stamp), channels_(channels), scratchFrames_(maxFrames),
        scratch_(new float[static_cast<std::size_t>(maxFrames) * channels]()) {
    for (std::uint32_t c = 0; c < channels && c < 2; ++c) map_[c] = channelMap[c];
  }

  std::uint64_t overflows() const noexcept { return overflows_.load(std::memory_order_relaxed); }

  // devices::StreamCallback.
  static void onBuffers(void* self, const devices::StreamBuffers& b) noexcept {
    static_cast<CaptureSink*>(self)->capture(b);
  }

 private:
  void capture(const devices::StreamBuffers& b) noexcept {
    const std::int64_t now = platform::nowNs();
    if (b.inputOverflow) {
      overflows_.store(overflows_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      ++breaks_;  // frames lost before this buffer: the stamps' line steps here
    }
    const float* in = b.in;
    std::uint32_t frames = b.frames;
    while (frames > 0) {
      const std::uint32_t n = std::min(frames, scratchFrames_);
      float* out = scratch_.get();
      for (std::uint32_t f = 0; f < n; ++f)
        for (std::uint32_t c = 0; c < channels_; ++c)
          out[f * channels_ + c] = in && map_[c] < b.inChannels ? in[f * b.inChannels + map_[c]] : 0.0f;
      // Overflow is counted by the ring; the stamp counts what the ring took.
      delivered_ += sink_.push(out, static_cast<std::size_t>(n) * channels_, channels_) / channels_;
      frames -= n;
      if (in) in += static_cast<std::size_t>(n) * b.inChannels;
    }
    stamp_.publish({now, delivered_, breaks_});
  }

  rt::SpscRing<float>::Producer sink_;
  ClockStamp& stamp_;
  std::uint64_t delivered_ = 0;
  std::uint32_t breaks_ = 0;
  const std::uint32_t channels_;
  std::uint32_t map_[2] = {0, 1};
  const std::uint32_t scratchFrames_;
  std::unique_ptr<float[]> scratch_;
  std::atomic<std::uint64_t> overflows_{0};  // the device's own input-overflow flags
};

}  // namespace ringmix::engine
