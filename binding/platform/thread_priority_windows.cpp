// Windows: thread priorities within the process's class. THREAD_PRIORITY_TIME_CRITICAL is the
// nearest to SCHED_FIFO a process can set without a privilege. MMCSS (AvSetMmThreadCharacteristics)
// would go higher, but it only applies to the calling thread, and setSchedule() is called from
// the control thread with another thread's handle.
#include "platform/windows.hpp"

#if defined(__MINGW32__) && __has_include(<pthread.h>)
#include <pthread.h>
#endif

#include "platform/thread_priority.hpp"

namespace ringmix::platform {

namespace {

// std::thread's native handle is the Win32 HANDLE with MSVC's library, and a winpthreads pthread_t
// with MinGW's posix thread model.
[[maybe_unused]] HANDLE win32Handle(HANDLE handle) noexcept { return handle; }
#if defined(__MINGW32__) && __has_include(<pthread.h>)
[[maybe_unused]] HANDLE win32Handle(pthread_t thread) noexcept { return pthread_gethandle(thread); }
#endif

}  // namespace

// Priority: the Win32 relative priority when above normal (THREAD_PRIORITY_TIME_CRITICAL is 15,
// MMCSS "Pro Audio" threads read as that too), 0 otherwise. GetThreadPriority on the pseudo-handle
// of the calling thread is one system call: no lock, no allocation.
Schedule currentSchedule() noexcept {
  const int p = GetThreadPriority(GetCurrentThread());
  if (p == THREAD_PRIORITY_ERROR_RETURN) return {};
  return Schedule{p > THREAD_PRIORITY_NORMAL ? p : 0, true};
}

// Any priority > 0 maps to THREAD_PRIORITY_TIME_CRITICAL: Windows has no 1–99 scale within a class.
bool setSchedule(std::thread& thread, int priority) noexcept {
  if (!thread.joinable()) return false;
  const HANDLE handle = win32Handle(thread.native_handle());
  return SetThreadPriority(handle, priority > 0 ? THREAD_PRIORITY_TIME_CRITICAL : THREAD_PRIORITY_NORMAL) != 0;
}

}  // namespace ringmix::platform
