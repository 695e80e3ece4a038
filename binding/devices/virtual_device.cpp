#include "virtual_device.hpp"

#include <cmath>

namespace ringmix::devices {

VirtualDevice::VirtualDevice(const engine::GeneratorParams& params, double clockPpm,
                             std::uint32_t sampleRate, std::uint32_t channels,
                             std::uint32_t periodFrames, rt::SpscRing<float>& ring,
                             std::uint64_t seed)
    : source_(params, sampleRate, channels, periodFrames, seed),
      ring_(ring),
      ratio_(1.0 + clockPpm / 1e6),
      sampleRate_(sampleRate),
      periodFrames_(periodFrames) {}

void VirtualDevice::start() {
  // This device's period in master time: the same number of frames at a skewed rate.
  const long double periodNs = 1e9L * periodFrames_ / (static_cast<long double>(sampleRate_) * ratio_);
  thread_.start(periodNs, &VirtualDevice::onTick, this, /*priority=*/70);
}

void VirtualDevice::onTick(void* self, const engine::Tick&) noexcept {
  auto* d = static_cast<VirtualDevice*>(self);
  d->source_.produce(d->ring_, d->periodFrames_);
}

void VirtualDevice::advanceTo(std::uint64_t masterFrames, std::uint32_t leadFrames) noexcept {
  const auto due = static_cast<std::uint64_t>(std::floor(static_cast<double>(masterFrames) * ratio_)) + leadFrames;
  if (due > source_.produced()) source_.produce(ring_, due - source_.produced());
}

}  // namespace ringmix::devices
