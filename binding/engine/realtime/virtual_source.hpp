// VirtualSource: the real-time half of a virtual device. Each time its device clock ticks it
// renders frames from its generator and pushes them into the input's ring; what does not fit is
// lost and counted by the ring (an overrun), as with a real capture device. Real-time code.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>

#include "generator.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

class VirtualSource {
 public:
  // Off the real-time path: allocates its scratch block.
  VirtualSource(const GeneratorParams& params, std::uint32_t sampleRate, std::uint32_t channels,
                std::uint32_t blockFrames, std::uint64_t seed)
      : channels_(channels), blockFrames_(blockFrames),
        scratch_(new float[static_cast<std::size_t>(blockFrames) * channels]()) {
    generator_.configure(params, sampleRate, channels, seed);
  }

  void produce(rt::SpscRing<float>& ring, std::uint64_t frames) noexcept {
    while (frames > 0) {
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(frames, blockFrames_));
      generator_.render(scratch_.get(), n);
      ring.push(scratch_.get(), static_cast<std::size_t>(n) * channels_, channels_);
      frames -= n;
      produced_ += n;
    }
  }

  std::uint64_t produced() const noexcept { return produced_; }

 private:
  Generator generator_;
  std::uint32_t channels_;
  std::uint32_t blockFrames_;
  std::unique_ptr<float[]> scratch_;
  std::uint64_t produced_ = 0;
};

}  // namespace ringmix::engine
