// Input: one channel of the mixer: its ring (fed by a device, a virtual device or JS), its strip
// and meter (touched only by the mix cycle), and its producer. Built and freed on the JS thread;
// owned by the mix cycle between the AddInput command and its return through the retired queue.
#pragma once

#include <cstdint>
#include <memory>

#include "devices/virtual_device.hpp"
#include "engine/realtime/channel_strip.hpp"
#include "engine/realtime/meter.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

struct Input {
  Input(std::uint32_t id_, std::uint32_t channels_, std::uint32_t ringFrames, std::uint32_t primeFrames_)
      : id(id_), channels(channels_), primeFrames(primeFrames_),
        ring(static_cast<std::size_t>(ringFrames) * channels_) {}

  const std::uint32_t id;
  const std::uint32_t channels;
  // The mix starts (and restarts after an underrun) pulling only once this much is buffered: the
  // input's jitter buffer.
  const std::uint32_t primeFrames;
  rt::SpscRing<float> ring;

  // Mix-cycle state.
  ChannelStrip strip;
  WindowMeter meter;
  std::uint64_t underruns = 0;
  bool primed = false;

  // The producer: a virtual device, or nothing for a JS push input.
  std::unique_ptr<devices::VirtualDevice> device;
};

}  // namespace ringmix::engine
