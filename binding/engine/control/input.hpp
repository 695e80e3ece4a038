// Input: everything one mixer input owns, on the JS thread's side: its ring, its controls, the
// cycle's part (InputRt, lent to the mix cycle by pointer), and its producer: a JS push, a virtual
// device, or a capture device's stream. The JS thread allocates and frees all of it; the cycle,
// the virtual-device host and the capture callback only borrow their parts, and the Engine frees
// an Input only once each of them has let go (see Engine::collectRetired).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "devices/device_list.hpp"
#include "devices/stream.hpp"
#include "engine/realtime/sources/capture.hpp"
#include "engine/realtime/sources/generator.hpp"
#include "engine/realtime/mix/input_rt.hpp"
#include "engine/realtime/dsp/resampler.hpp"
#include "engine/realtime/mix/strip_controls.hpp"
#include "engine/realtime/sources/virtual_source.hpp"
#include "platform/memory_lock.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

struct InputSpec {
  enum class Kind { Generator, Push, Device } kind = Kind::Generator;
  GeneratorParams generator;  // Generator
  double clockPpm = 0.0;      // Generator: its clock's offset from the master
  std::uint32_t channels = 1; // Push (generators produce the mixer's channel count)
  // Device: which device, the device channels to take (1 or 2), the rate to open it at
  // (resampled to the mixer's when different), and a label for error messages.
  devices::DeviceRef device;
  std::vector<std::uint32_t> deviceChannels;
  std::uint32_t deviceRate = 0;
  std::string label;
  StripParams strip;
  InputDspParams dsp;  // high-pass, gate, EQ, compressor (all bypassed by default)
  // Drift compensation: unset = the default (on for inputs on their own clock: generators and
  // capture devices; off for push inputs; never for duplex inputs, which share the master's
  // clock). Inputs on their own clock are measured either way.
  std::optional<bool> compensateDrift;
  double targetLatencyMs = 0.0;  // 0: the default for its kind (see Engine::addInput)
};

struct Input {
  Input(std::uint32_t id, std::uint32_t channels, std::uint32_t ringFrames, const StripParams& strip,
        const InputDspParams& dsp)
      : ring(static_cast<std::size_t>(ringFrames) * channels), controls(strip), dspControls(dsp),
        buffer(static_cast<std::size_t>(kMaxPeriodFrames) * channels), rt(id, channels, ring, controls, dspControls, buffer.data()),
        ringLock(ring.storage(), ring.storageBytes()), bufferLock(buffer.data(), buffer.size() * sizeof(float)),
        selfLock(this, sizeof(Input)) {}

  std::uint32_t id() const noexcept { return rt.id; }
  std::uint32_t channels() const noexcept { return rt.channels; }

  rt::SpscRing<float> ring;
  StripControls controls;  // written by the JS thread, read by the cycle
  InputDspControls dspControls;  // likewise
  std::vector<float> buffer;     // the cycle's work buffer for this input (see InputRt::buffer)
  ClockStamp stamp;        // the producer's clock, published by whoever produces
  InputRt rt;              // lent to the mix cycle

  // The producer: exactly one of these (a duplex input's producer is the cycle itself).
  rt::SpscRing<float>::Producer push;            // JS push input
  std::unique_ptr<VirtualSource> generator;      // virtual device
  std::unique_ptr<CaptureSink> capture;          // capture device: its callback's context...
  std::unique_ptr<devices::Stream> stream;       // ...and its stream
  std::unique_ptr<Resampler> resampler;          // capture at another rate (used by the cycle)
  std::uint32_t deviceRate = 0;
  std::uint64_t pushedFrames = 0;  // push input: frames written so far (its clock stamp)
  std::uint64_t startFrame = 0;  // simulated clock: the master frame it was added at

  // Real-time threads read and write these: keep them resident (best effort).
  platform::LockedRegion ringLock, bufferLock, selfLock;

  // Retirement (JS thread only).
  bool cycleReleased = false;   // the cycle handed rt back
  bool onHost = false;          // the virtual-device host may still read `generator`
  std::uint64_t hostTicket = 0;
};

}  // namespace ringmix::engine
