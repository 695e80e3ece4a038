// CommandOutbox: the JS thread's side of the command queue. The queue to the real-time side has a
// fixed size (it may not allocate); a burst of structural commands larger than that (adding and
// removing inputs in a loop, while the cycle drains one batch per period) waits here, in order,
// and moves into the queue as room appears. So sending never blocks and never fails, up to a
// generous bound. Control side.
#pragma once

#include <cstddef>
#include <deque>

#include "engine/messages.hpp"
#include "rt/command_queue.hpp"

namespace ringmix::engine {

class CommandOutbox {
 public:
  CommandOutbox(rt::CommandQueue<Command>& queue, std::size_t limit) : queue_(queue), limit_(limit) {}

  // false only when `limit` commands are already waiting (the real-time side is not draining).
  bool send(const Command& c) {
    flush();
    if (pending_.empty() && queue_.trySend(c)) return true;
    if (pending_.size() >= limit_) return false;
    pending_.push_back(c);
    return true;
  }

  // Moves waiting commands into the queue while it has room (order kept).
  void flush() noexcept {
    while (!pending_.empty() && queue_.trySend(pending_.front())) pending_.pop_front();
  }

  std::size_t pending() const noexcept { return pending_.size(); }
  // Whether send() would fail now.
  bool full() noexcept {
    flush();
    return pending_.size() >= limit_;
  }

 private:
  rt::CommandQueue<Command>& queue_;
  const std::size_t limit_;
  std::deque<Command> pending_;
};

}  // namespace ringmix::engine
