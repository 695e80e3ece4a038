// LosslessReader: a consumer of the mix that must lose nothing on the simulated clock (a recorder).
// It publishes how far it has read the broadcast ring; Engine::advance() waits, before each cycle,
// until the cycle cannot overrun it. `done` releases the wait for good (stopped, or failed).
#pragma once

#include <atomic>
#include <cstdint>

namespace ringmix::engine {

struct LosslessReader {
  std::atomic<std::uint64_t> position{0};  // ring items read so far (the ring's own positions)
  std::atomic<bool> done{false};
};

}  // namespace ringmix::engine
