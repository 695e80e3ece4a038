// What a device stream's real-time callback receives: the engine's callback bodies need only
// this, not the control side's stream interface (devices/stream.hpp).
#pragma once

#include <cstdint>

namespace ringmix::devices {

struct StreamBuffers {
  const float* in;              // frames × inChannels interleaved, or null (output-only, or no data)
  float* out;                   // frames × outChannels interleaved, or null (input-only)
  std::uint32_t frames;
  std::uint32_t inChannels, outChannels;
  bool inputOverflow;           // the device lost input before this buffer
  bool outputUnderflow;         // the device ran out of output before this buffer
};

// Called on the backend's real-time thread: must follow the real-time rules.
using StreamCallback = void (*)(void* context, const StreamBuffers& buffers) noexcept;

}  // namespace ringmix::devices
