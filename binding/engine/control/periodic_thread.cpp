#include "periodic_thread.hpp"

#include "platform/thread_priority.hpp"

namespace ringmix::engine {

void PeriodicThread::start(long double periodNs, TickFn fn, void* context, int priority) {
  stop();
  stop_.store(0, std::memory_order_relaxed);
  thread_ = std::thread([=, this] { runTickLoop(stop_, periodNs, fn, context); });
  // Set from here rather than by the thread itself: the first tick is a period away.
  realtime_.store(priority > 0 && platform::setSchedule(thread_, priority), std::memory_order_release);
}

bool PeriodicThread::setPriority(int priority) {
  const bool ok = platform::setSchedule(thread_, priority);
  realtime_.store(ok && priority > 0, std::memory_order_release);
  return ok;
}

void PeriodicThread::stop() {
  if (!thread_.joinable()) return;
  stop_.store(1, std::memory_order_release);
  platform::wakeWaiters(stop_);
  thread_.join();
}

}  // namespace ringmix::engine
