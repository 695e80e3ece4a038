// ClockStamp: where a ring's producer publishes its clock, for drift compensation on the consumer
// side: how many frames it had delivered in total, and when (ns, on the consumer's time line:
// CLOCK_MONOTONIC, or the simulated clock's time). One writer: the producer (a device callback,
// the virtual-device host, the mix cycle, or the JS thread for a push input). Real-time safe.
#pragma once

#include <cstdint>

#include "rt/snapshot.hpp"

namespace ringmix::engine {

struct ClockStampValue {
  std::int64_t timeNs = 0;
  std::uint64_t frames = 0;
  // Discontinuities so far: the producer lost time (a device's xrun), so its line of frames
  // against time stepped, and a consumer's DLL must start it afresh instead of taking the step
  // for a change of rate (which a narrow loop would ring on for tens of seconds).
  std::uint32_t breaks = 0;
};

using ClockStamp = rt::Snapshot<ClockStampValue>;

}  // namespace ringmix::engine
