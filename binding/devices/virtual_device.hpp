// VirtualDevice: a generator that behaves like a capture device with its own clock. It produces
// into its input's ring from its own thread (virtual clock) or on demand (simulated clock), at a
// rate skewed by clockPpm from the master, exactly as an independent hardware clock would be.
#pragma once

#include <cstdint>

#include "engine/periodic_thread.hpp"
#include "engine/realtime/virtual_source.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::devices {

class VirtualDevice {
 public:
  VirtualDevice(const engine::GeneratorParams& params, double clockPpm, std::uint32_t sampleRate,
                std::uint32_t channels, std::uint32_t periodFrames, rt::SpscRing<float>& ring,
                std::uint64_t seed);
  ~VirtualDevice() { stop(); }
  VirtualDevice(const VirtualDevice&) = delete;
  VirtualDevice& operator=(const VirtualDevice&) = delete;

  // Virtual clock: a thread producing one period per tick of this device's clock.
  void start();
  void stop() { thread_.stop(); }

  // Simulated clock: produces every frame this device's clock has reached by the time the master
  // clock reaches `masterFrames` (plus `leadFrames` produced ahead, like a device buffer).
  void advanceTo(std::uint64_t masterFrames, std::uint32_t leadFrames) noexcept;

  // Frames produced per master frame: 1 + clockPpm / 1e6.
  double ratio() const noexcept { return ratio_; }

 private:
  static void onTick(void* self, const engine::Tick& tick) noexcept;

  engine::VirtualSource source_;
  rt::SpscRing<float>& ring_;
  double ratio_;
  std::uint32_t sampleRate_;
  std::uint32_t periodFrames_;
  engine::PeriodicThread thread_;
};

}  // namespace ringmix::devices
