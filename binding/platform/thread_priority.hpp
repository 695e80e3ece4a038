// Real-time scheduling of ringmix's own threads. Control-side calls (they are system calls), except
// currentSchedule(), which a device callback may call once to tell us how its host scheduled it.
#pragma once

#include <thread>

namespace ringmix::platform {

// A thread's scheduling: priority > 0 means a real-time class (SCHED_FIFO/RR) at that priority;
// 0 means the normal time-sharing class. On Windows, which has no real-time class for a process
// to choose, priority is the thread's relative priority when above normal (15: time-critical).
struct Schedule {
  int priority = 0;
  bool known = false;
};

// The calling thread's scheduling (one or two plain system calls: no lock, no allocation).
Schedule currentSchedule() noexcept;

// Puts `thread` in SCHED_FIFO at `priority` (1–99; macOS clamps it into its narrower range;
// Windows makes any priority > 0 time-critical), or back to the normal class for 0. Returns
// whether the system allowed it (on Linux real-time scheduling needs a privilege: CAP_SYS_NICE or
// an RLIMIT_RTPRIO). Called on the control thread with the target thread's handle.
// thread_priority_posix.cpp (Linux), _macos.cpp, _windows.cpp.
bool setSchedule(std::thread& thread, int priority) noexcept;

}  // namespace ringmix::platform
