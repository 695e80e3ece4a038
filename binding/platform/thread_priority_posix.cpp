#include <pthread.h>
#include <sched.h>

#include "thread_priority.hpp"

namespace ringmix::platform {

Schedule currentSchedule() noexcept {
  // sched_getscheduler/sched_getparam on pid 0 (this thread) are direct system calls, unlike
  // pthread_getschedparam, which takes the thread descriptor's lock.
  const int policy = sched_getscheduler(0);
  sched_param sp{};
  if (policy < 0 || sched_getparam(0, &sp) != 0) return {};
  const bool rt = policy == SCHED_FIFO || policy == SCHED_RR;
  return Schedule{rt ? sp.sched_priority : 0, true};
}

bool setSchedule(std::thread& thread, int priority) noexcept {
  if (!thread.joinable()) return false;
  sched_param sp{};
  sp.sched_priority = priority;
  return pthread_setschedparam(thread.native_handle(), priority > 0 ? SCHED_FIFO : SCHED_OTHER, &sp) == 0;
}

}  // namespace ringmix::platform
