// retireStream(): one background thread per process that destroys streams handed to it, so that
// stopping and closing a device (a buffer's time, or more with some servers) never blocks the JS
// thread that removed an input or stopped a mixer.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "devices/stream.hpp"

namespace ringmix::devices {

namespace {

struct Reaper {
  std::mutex lock;
  std::condition_variable wake;
  std::deque<std::unique_ptr<Stream>> queue;
  bool started = false;

  void run() {
    for (;;) {
      std::unique_ptr<Stream> s;
      {
        std::unique_lock<std::mutex> l(lock);
        wake.wait(l, [&] { return !queue.empty(); });
        s = std::move(queue.front());
        queue.pop_front();
      }
      s.reset();  // stops and closes it (or abandons it, if dead)
    }
  }
};

// Never destroyed: its thread may still be closing a stream when static destructors run at exit.
Reaper& reaper() {
  static Reaper* r = new Reaper();
  return *r;
}

}  // namespace

void retireStream(std::unique_ptr<Stream> stream) noexcept {
  if (!stream) return;
  Reaper& r = reaper();
  try {
    std::lock_guard<std::mutex> l(r.lock);
    if (!r.started) {
      std::thread([&r] { r.run(); }).detach();
      r.started = true;
    }
    r.queue.push_back(std::move(stream));
  } catch (...) {
    // No thread (or no memory) for the reaper: destroy it here, blocking, rather than leak it.
    stream.reset();
    return;
  }
  r.wake.notify_one();
}

}  // namespace ringmix::devices
