// Clipping the float mix to ±1 where it leaves for a device. Until the master limiter exists, a
// mix over full scale would otherwise reach integer-format devices unclipped (PortAudio streams
// are opened with paClipOff), where overs wrap around: a loud crack instead of a flat top.
// Real-time code.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ringmix::engine {

// Clips `samples` floats in place to [-1, 1]; returns how many were out of range. NaN becomes 0.
inline std::uint64_t clipToUnit(float* data, std::size_t samples) noexcept {
  std::uint64_t clipped = 0;
  for (std::size_t i = 0; i < samples; ++i) {
    const float v = data[i];
    if (v > 1.0f) {
      data[i] = 1.0f;
      ++clipped;
    } else if (v < -1.0f) {
      data[i] = -1.0f;
      ++clipped;
    } else if (v != v) {
      data[i] = 0.0f;
      ++clipped;
    }
  }
  return clipped;
}

}  // namespace ringmix::engine
