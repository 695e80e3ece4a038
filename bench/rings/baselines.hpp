// The queues SpscRing is compared against, behind one tiny interface shared with the SpscRing
// adapter:
//   std::size_t tryPush(const float* src, std::size_t n)  producer: items accepted (0: full)
//   std::size_t tryPop(float* out, std::size_t max)       consumer: items taken (0: empty)
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>

#include <boost/lockfree/spsc_queue.hpp>
#include <readerwriterqueue/readerwriterqueue.h>

#include "rt/spsc_ring.hpp"

namespace ringmix::bench {

// SpscRing<float> fed whole chunks. writeChunk + memcpy + commit is exactly push()'s code path, but
// all-or-nothing: push() would accept the part that fits and count the rest as dropped, whereas
// here every sample must arrive and every successful producer operation must be one whole chunk, so
// its timing is comparable with the mutex queue's. Each side goes through its handle, as real code
// does, so any cost of the handles shows up here.
class SpscRingQueue {
 public:
  explicit SpscRingQueue(std::size_t capacity)
      : ring_(capacity), producer_(ring_.producer()), consumer_(ring_.consumer()) {}
  static constexpr bool kPartialPush = false;
  static const char* name() { return "spsc_ring"; }
  std::size_t capacity() const { return ring_.capacity(); }

  std::size_t tryPush(const float* src, std::size_t n) noexcept {
    auto c = producer_.writeChunk(n);
    if (c.size() < n) return 0;  // not enough room: nothing written, nothing committed
    std::memcpy(c.first.data(), src, c.first.size_bytes());
    if (!c.second.empty())
      std::memcpy(c.second.data(), src + c.first.size(), c.second.size_bytes());
    c.commit(n);
    return n;
  }
  std::size_t tryPop(float* out, std::size_t max) noexcept { return consumer_.pop(out, max); }

 private:
  rt::SpscRing<float> ring_;  // first: the handles are taken from it
  rt::SpscRing<float>::Producer producer_;
  rt::SpscRing<float>::Consumer consumer_;
};

// The original design ("before"): a std::deque behind a std::mutex. The producer inserts a whole
// chunk under the lock if it fits within the same capacity limit as the ring; the consumer copies
// out and erases up to a chunk under the lock. The deque allocates and frees its blocks as data
// flows, and either side can be made to wait for the other's critical section: that is what the
// producer tail latency shows.
class MutexDequeQueue {
 public:
  explicit MutexDequeQueue(std::size_t capacity) : capacity_(capacity) {}
  static constexpr bool kPartialPush = false;
  static const char* name() { return "mutex_deque"; }
  std::size_t capacity() const { return capacity_; }

  std::size_t tryPush(const float* src, std::size_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (capacity_ - queue_.size() < n) return 0;
    queue_.insert(queue_.end(), src, src + n);
    return n;
  }
  std::size_t tryPop(float* out, std::size_t max) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t n = std::min(max, queue_.size());
    std::copy_n(queue_.begin(), n, out);
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
  }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::deque<float> queue_;
};

// moodycamel::ReaderWriterQueue<float> (Debian libreaderwriterqueue-dev), one sample per
// try_enqueue/try_dequeue, pre-sized so try_enqueue never allocates (it fails when full). It has no
// bulk or "how much room" operation that is cheap (size_approx walks every block), so a producer
// operation enqueues as much of the chunk as fits and the rest is retried: operations can be
// partial, which the report shows as partial_ops.
class MoodycamelPerElementQueue {
 public:
  explicit MoodycamelPerElementQueue(std::size_t capacity) : queue_(capacity) {}
  static constexpr bool kPartialPush = true;
  static const char* name() { return "moodycamel_rwq_per_element"; }
  std::size_t capacity() const { return queue_.max_capacity(); }

  std::size_t tryPush(const float* src, std::size_t n) noexcept {
    std::size_t i = 0;
    while (i < n && queue_.try_enqueue(src[i])) ++i;
    return i;
  }
  std::size_t tryPop(float* out, std::size_t max) noexcept {
    std::size_t i = 0;
    while (i < max && queue_.try_dequeue(out[i])) ++i;
    return i;
  }

 private:
  moodycamel::ReaderWriterQueue<float> queue_;
};

// boost::lockfree::spsc_queue<float> (Debian libboost-dev), through its bulk push/pop of ranges:
// the fair comparison for chunks, one index update per chunk like SpscRing. Its push(ptr, n)
// writes as much as fits, so a whole-chunk push (as SpscRingQueue's) asks write_available() first;
// that loads the consumer's index once more, from a line the push then reads anyway. Boost keeps
// no cached copy of the other side's index: every push and pop loads it. The capacity is a
// compile-time constant (storage inside the queue, no pointer to load): boost's faster variant,
// a few % ahead of the run-time-sized one at 64-frame chunks here.
template <std::size_t Capacity>
class BoostSpscBulkQueue {
 public:
  explicit BoostSpscBulkQueue(std::size_t capacity) {
    if (capacity != Capacity) throw std::invalid_argument("BoostSpscBulkQueue: capacity is fixed");
  }
  static constexpr bool kPartialPush = false;
  static const char* name() { return "boost_spsc_queue_bulk"; }
  std::size_t capacity() const { return Capacity; }

  std::size_t tryPush(const float* src, std::size_t n) noexcept {
    if (queue_.write_available() < n) return 0;
    return queue_.push(src, n);
  }
  std::size_t tryPop(float* out, std::size_t max) noexcept { return queue_.pop(out, max); }

 private:
  boost::lockfree::spsc_queue<float, boost::lockfree::capacity<Capacity>> queue_;
};

}  // namespace ringmix::bench
