// VirtualSource: the real-time half of a virtual device: a generator that behaves like a capture
// device on its own clock, skewed by clockPpm from the master. It pushes whole periods into its
// input's ring as its clock reaches them; what does not fit is lost and counted by the ring (an
// overrun), as with a real capture device. Real-time code (construction excepted).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

#include "engine/realtime/sources/generator.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

class VirtualSource {
 public:
  // Control side: allocates its scratch period and takes the ring's producer end.
  VirtualSource(const GeneratorParams& params, double clockPpm, std::uint32_t sampleRate, std::uint32_t channels,
                std::uint32_t periodFrames, rt::SpscRing<float>& ring, std::uint64_t seed)
      : sink_(ring.producer()), channels_(channels), periodFrames_(periodFrames), ratio_(1.0 + clockPpm / 1e6),
        periodNs_(1e9 * periodFrames / (static_cast<double>(sampleRate) * ratio_)),
        maxBurstPeriods_(std::max<std::uint64_t>(1, ring.capacity() / (static_cast<std::size_t>(periodFrames) * channels))),
        scratch_(new float[static_cast<std::size_t>(periodFrames) * channels]()) {
    generator_.configure(params, sampleRate, channels, seed);
  }

  // Wall-clock devices (virtual and device master clocks), called by the device host's thread: pushes
  // every period this device's clock has reached by nowNs. Its clock starts at the first call after
  // restart(), with a period ready at once, like a device starting.
  void tick(std::int64_t nowNs) noexcept {
    if (startNs_ == 0) startNs_ = nowNs;
    const auto due = static_cast<std::uint64_t>(static_cast<double>(nowNs - startNs_) / periodNs_) + 1;
    if (due <= periodsDone_) return;
    // After a long stall (the machine overloaded) a real device would have overflowed its own
    // buffer: deliver at most a ring's worth, and drop the rest of the backlog.
    const std::uint64_t n = std::min(due - periodsDone_, maxBurstPeriods_);
    produce(n * periodFrames_);
    periodsDone_ = due;
  }
  // Control side, while the host thread is stopped: the next tick() starts its clock afresh.
  void restart() noexcept { startNs_ = 0, periodsDone_ = 0; }

  // Simulated clock: pushes every frame its clock has reached when the master reaches
  // `masterFrames`, plus `leadFrames` produced ahead (like a device's buffer).
  void advanceTo(std::uint64_t masterFrames, std::uint32_t leadFrames) noexcept {
    const auto due = static_cast<std::uint64_t>(std::floor(static_cast<double>(masterFrames) * ratio_)) + leadFrames;
    if (due > produced_) produce(due - produced_);
  }

  // Frames produced per master frame: 1 + clockPpm / 1e6.
  double ratio() const noexcept { return ratio_; }

 private:
  void produce(std::uint64_t frames) noexcept {
    while (frames > 0) {
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(frames, periodFrames_));
      generator_.render(scratch_.get(), n);
      sink_.push(scratch_.get(), static_cast<std::size_t>(n) * channels_, channels_);
      frames -= n;
      produced_ += n;
    }
  }

  rt::SpscRing<float>::Producer sink_;
  Generator generator_;
  const std::uint32_t channels_;
  const std::uint32_t periodFrames_;
  const double ratio_;
  const double periodNs_;  // this device's period on the master's time line
  const std::uint64_t maxBurstPeriods_;
  std::unique_ptr<float[]> scratch_;
  std::uint64_t produced_ = 0;
  std::int64_t startNs_ = 0;
  std::uint64_t periodsDone_ = 0;
};

}  // namespace ringmix::engine
