// macOS: POSIX real-time scheduling through pthreads (SCHED_FIFO is a fixed priority band there,
// allowed without a privilege). There is no sched_getscheduler(): the calling thread's own
// parameters come from pthread_getschedparam(pthread_self()), which reads the kernel's values
// for this thread without allocating.
#include <pthread.h>
#include <sched.h>

#include <algorithm>

#include "platform/thread_priority.hpp"

namespace ringmix::platform {

Schedule currentSchedule() noexcept {
  int policy = 0;
  sched_param sp{};
  if (pthread_getschedparam(pthread_self(), &policy, &sp) != 0) return {};
  const bool rt = policy == SCHED_FIFO || policy == SCHED_RR;
  return Schedule{rt ? sp.sched_priority : 0, true};
}

bool setSchedule(std::thread& thread, int priority) noexcept {
  if (!thread.joinable()) return false;
  sched_param sp{};
  if (priority > 0) {
    // macOS's range is narrower than Linux's 1–99 (15–47): clamp into it.
    sp.sched_priority = std::clamp(priority, sched_get_priority_min(SCHED_FIFO), sched_get_priority_max(SCHED_FIFO));
    return pthread_setschedparam(thread.native_handle(), SCHED_FIFO, &sp) == 0;
  }
  // Back to normal: SCHED_OTHER at a new thread's default priority (priority 0 would be the
  // lowest there, not the normal one). Default attributes hold that value; no allocation.
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return false;
  pthread_attr_getschedparam(&attr, &sp);
  pthread_attr_destroy(&attr);
  return pthread_setschedparam(thread.native_handle(), SCHED_OTHER, &sp) == 0;
}

}  // namespace ringmix::platform
