// CommandQueue<T>: commands from the JS thread to the real-time thread.
//
// A thin wrapper over moodycamel::ReaderWriterQueue (Debian libreaderwriterqueue-dev) that allows
// only the operations that never allocate: the queue is pre-sized at construction (off the
// real-time path) and the JS side can only try_enqueue, which fails instead of growing. Payloads
// must be trivially copyable and trivially destructible, so dequeuing one on the real-time thread
// runs no destructor and frees nothing; objects travel as raw pointers and are freed back on the
// JS thread.
#pragma once

#include <cstddef>
#include <type_traits>

#include <readerwriterqueue/readerwriterqueue.h>

namespace ringmix::rt {

template <class T>
class CommandQueue {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "commands must be trivially copyable and destructible (no destructor may run on "
                "the real-time thread)");

 public:
  explicit CommandQueue(std::size_t capacity) : queue_(capacity) {}

  CommandQueue(const CommandQueue&) = delete;
  CommandQueue& operator=(const CommandQueue&) = delete;

  // Producer (JS thread): false when the queue is full; never allocates.
  bool trySend(const T& command) noexcept { return queue_.try_enqueue(command); }

  // Consumer (real-time thread): false when empty.
  bool tryReceive(T& out) noexcept { return queue_.try_dequeue(out); }

  std::size_t sizeApprox() const noexcept { return queue_.size_approx(); }
  std::size_t capacity() const noexcept { return queue_.max_capacity(); }

 private:
  moodycamel::ReaderWriterQueue<T> queue_;
};

}  // namespace ringmix::rt
