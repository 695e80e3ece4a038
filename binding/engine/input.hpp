// Input: one channel of the mixer: its ring (fed by a device, a virtual device or JS), its strip
// and meter (touched only by the mix cycle), and its producer. Built and freed on the JS thread;
// owned by the mix cycle between the AddInput command and its return through the retired queue.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "devices/capture_device.hpp"
#include "devices/virtual_device.hpp"
#include "engine/realtime/channel_strip.hpp"
#include "engine/realtime/meter.hpp"
#include "engine/realtime/resampler.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

struct Input {
  Input(std::uint32_t id_, std::uint32_t channels_, std::uint32_t ringFrames, std::uint32_t primeFrames_)
      : id(id_), channels(channels_), primeFrames(primeFrames_),
        ring(static_cast<std::size_t>(ringFrames) * channels_) {}

  const std::uint32_t id;
  const std::uint32_t channels;
  // The mix starts (and restarts after an underrun) pulling only once this much is buffered: the
  // input's jitter buffer. Set before the input is handed to the mix cycle.
  std::uint32_t primeFrames;
  rt::SpscRing<float> ring;

  // Mix-cycle state.
  ChannelStrip strip;
  WindowMeter meter;
  std::uint64_t underruns = 0;
  std::uint64_t trimmedFrames = 0;  // dropped to bring a (nearly) full ring back to primeFrames
  // Producers on their own clock (devices) get trimmed when their ring is nearly full; a JS push
  // input fills its ring on purpose (backpressure) and never is.
  bool trimWhenFull = false;
  bool primed = false;

  // Set on the JS thread when the input's device has failed: the cycle then reads silence.
  std::atomic<bool> sourceFailed{false};
  // Converts a capture device's rate to the mixer's, inside the cycle's pull (null: same rate).
  std::unique_ptr<Resampler> resampler;

  // Duplex: the input's device is the master clock's device, opened as one stream with it. The
  // mix cycle copies these channels of the callback's input buffer into the ring just before it
  // pulls them, so the input adds no buffering at all.
  bool duplex = false;
  std::uint32_t duplexMap[2] = {0, 1};

  // The producer: a virtual device, a capture device, or neither for a JS push input.
  std::unique_ptr<devices::VirtualDevice> device;
#if RINGMIX_HAVE_PORTAUDIO
  std::unique_ptr<devices::CaptureDevice> capture;
#endif
};

}  // namespace ringmix::engine
