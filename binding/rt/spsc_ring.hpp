// SpscRing<T>: a wait-free single-producer single-consumer ring of trivially copyable items.
//
// The ring owns the storage; its two sides are handed out as handles, each exactly once (as Rust's
// rtrb splits a RingBuffer into a Producer and a Consumer): ring.producer() and ring.consumer().
// So a second producer cannot be created by accident, and code holding a Consumer cannot push.
// A handle is a pointer to the ring: the ring must outlive it, and it costs nothing on the hot path.
//
// Memory-ordering argument (see also ARCHITECTURE.md):
// - The producer owns `write_`, the consumer owns `read_`. Both are free-running 64-bit positions;
//   the slot of position p is p & mask. Fill is `write - read` in unsigned arithmetic, so it stays
//   correct when the positions wrap past UINT64_MAX.
// - The producer fills slots, then publishes them with a release store of `write_`. The consumer
//   reads `write_` with acquire, so every slot store the producer made before that release is visible.
// - Symmetrically the consumer finishes reading slots, then frees them with a release store of
//   `read_`; the producer reloads `read_` with acquire before reusing those slots, so it can never
//   overwrite a slot the consumer is still copying out.
// - Each side keeps a plain cached copy of the other side's position and reloads the atomic only
//   when the cache says there is not enough room/data. In the steady state neither side touches the
//   other's cache line, which is what keeps this fast under contention.
// There are no standalone fences: every synchronisation is an acquire/release pair on a position,
// which ThreadSanitizer understands.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "cache_line.hpp"

namespace ringmix::rt {

template <class T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>, "SpscRing items are copied with memcpy");

 public:
  class Producer;
  class Consumer;

  // Two spans (the second is non-empty only when the region wraps) plus commit(k).
  // Obtained and committed on the side that owns it; committing more than size() is clamped.
  class WriteChunk {
   public:
    std::span<T> first, second;
    std::size_t size() const noexcept { return first.size() + second.size(); }
    void commit(std::size_t k) noexcept { ring_->commitWrite(std::min(k, size())); }

   private:
    friend class Producer;
    WriteChunk(SpscRing* r, std::span<T> a, std::span<T> b) : first(a), second(b), ring_(r) {}
    SpscRing* ring_;
  };

  class ReadChunk {
   public:
    std::span<const T> first, second;
    std::size_t size() const noexcept { return first.size() + second.size(); }
    void commit(std::size_t k) noexcept { ring_->commitRead(std::min(k, size())); }

   private:
    friend class Consumer;
    ReadChunk(SpscRing* r, std::span<const T> a, std::span<const T> b)
        : first(a), second(b), ring_(r) {}
    SpscRing* ring_;
  };

  // Capacity is minCapacity rounded up to a power of two. startPosition exists so tests can start
  // the free-running counters just below UINT64_MAX and prove the wrap-around arithmetic.
  explicit SpscRing(std::size_t minCapacity, std::uint64_t startPosition = 0)
      : capacity_(roundUpPow2(minCapacity)),
        mask_(capacity_ - 1),
        buffer_(allocateSlots(capacity_)) {
    write_.store(startPosition, std::memory_order_relaxed);
    read_.store(startPosition, std::memory_order_relaxed);
    prod_.write = prod_.cachedRead = startPosition;
    cons_.read = cons_.cachedWrite = startPosition;
  }

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // The producer side and the consumer side, each handed out once per ring (a second call throws
  // std::logic_error; dropping a handle does not give it back). For the control thread at setup,
  // never a real-time thread. The handles point into the ring, which must outlive them.
  Producer producer() {
    if (producerTaken_.exchange(true, std::memory_order_relaxed))
      throw std::logic_error("SpscRing::producer(): the producer was already taken");
    return Producer(this);
  }
  Consumer consumer() {
    if (consumerTaken_.exchange(true, std::memory_order_relaxed))
      throw std::logic_error("SpscRing::consumer(): the consumer was already taken");
    return Consumer(this);
  }

  // ---- any thread (a snapshot, already stale when returned) ------------------------------------

  std::size_t capacity() const noexcept { return capacity_; }

  // Items refused by push() because the ring was full.
  std::uint64_t droppedItems() const noexcept { return prod_.dropped.load(std::memory_order_relaxed); }

  std::size_t sizeApprox() const noexcept {
    const std::uint64_t r = read_.load(std::memory_order_acquire);
    const std::uint64_t w = write_.load(std::memory_order_acquire);
    const std::uint64_t d = w - r;
    // r is read first, so it can only be stale (older): w - r may exceed the capacity when both
    // sides moved on between the two loads, never go negative. Clamp to what the ring can hold.
    return d > capacity_ ? capacity_ : static_cast<std::size_t>(d);
  }
  std::uint64_t writePosition() const noexcept { return write_.load(std::memory_order_acquire); }
  std::uint64_t readPosition() const noexcept { return read_.load(std::memory_order_acquire); }

  // The item storage, for locking it in RAM (control side, before real-time use).
  const void* storage() const noexcept { return buffer_.get(); }
  std::size_t storageBytes() const noexcept { return capacity_ * sizeof(T); }

 private:
  void commitWrite(std::size_t k) noexcept {
    prod_.write += k;
    write_.store(prod_.write, std::memory_order_release);
  }
  void commitRead(std::size_t k) noexcept {
    cons_.read += k;
    read_.store(cons_.read, std::memory_order_release);
  }
  static void copyIn(std::span<T> dst, const T* src) noexcept {
    if (!dst.empty()) std::memcpy(dst.data(), src, dst.size_bytes());
  }
  static void copyOut(T* dst, std::span<const T> src) noexcept {
    if (!src.empty()) std::memcpy(dst, src.data(), src.size_bytes());
  }

  // Slots start on a cache-line boundary: with new T[]'s 16-byte alignment a chunk boundary could
  // fall inside a line, which the consumer reading one chunk's tail and the producer writing the
  // next chunk's head would then share.
  struct FreeSlots {
    void operator()(T* p) const noexcept { ::operator delete[](p, std::align_val_t{kCacheLine}); }
  };
  static T* allocateSlots(std::size_t n) {
    T* p = static_cast<T*>(::operator new[](n * sizeof(T), std::align_val_t{kCacheLine}));
    std::uninitialized_value_construct_n(p, n);  // trivially copyable: nothing to destroy later
    return p;
  }

  // Producer side: asks for the lines of `count` free slots from position `from` in exclusive
  // state ahead of the stores that will fill them. Those lines hold what the consumer read a lap
  // ago, so each store would otherwise wait for the consumer's core to give its copy up; issued
  // early, while the caller copies, that wait overlaps the copy (bench_rings, 256-frame chunks,
  // where that store drain was the producer's bottleneck: ~0.9x boost's spsc_queue before, 1.3-1.6x
  // after). writeChunk() asks for the chunk of the same size at least 4 KiB (kPrefetchAhead) on:
  // one chunk ahead was too late for small chunks when the two cores are far apart (64-frame
  // chunks with a ~450 ns core-to-core round trip: 0.90x boost's throughput, 1.13x with 4 KiB;
  // 2.4x and 2.8x at ~90 ns).
  // Stops a line short of the end: the last line may hold slots the consumer is still reading.
  static constexpr std::size_t kPrefetchAhead = std::max<std::size_t>(1, 4096 / sizeof(T));
  void prefetchFree(std::uint64_t from, std::size_t count) const noexcept {
    constexpr std::size_t kLine = 64;  // the hardware line (kCacheLine is the false-sharing pad)
    constexpr std::size_t kStep = sizeof(T) >= kLine ? 1 : kLine / sizeof(T);
    if (count <= kStep) return;
    T* const buf = buffer_.get();
    for (std::size_t i = 0; i < count - kStep; i += kStep)
      prefetchForWrite(buf + static_cast<std::size_t>((from + i) & mask_));
  }
  static void prefetchForWrite(const T* p) noexcept {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
    // prefetchw (a no-op hint where unsupported); __builtin_prefetch(p, 1) would emit a plain
    // read prefetch for the baseline x86-64 target, which leaves the consumer's copy in place.
    asm volatile("prefetchw %0" : : "m"(*reinterpret_cast<const char*>(p)));
#elif defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 1, 3);
#else
    (void)p;
#endif
  }

  // Each side's private line: its own position (a plain copy of the one it publishes), its cache
  // of the other side's, and (producer) the drop counter. Kept apart from the published positions
  // because a side that waits polls the other's published position: with the private fields on
  // that line, the working side would miss on its own bookkeeping after every poll.
  struct alignas(kCacheLine) ProducerSide {
    std::uint64_t write = 0;
    std::uint64_t cachedRead = 0;
    std::atomic<std::uint64_t> dropped{0};
  };
  struct alignas(kCacheLine) ConsumerSide {
    std::uint64_t read = 0;
    std::uint64_t cachedWrite = 0;
  };

  // Read-only after setup; on its own line so neither side's stores invalidate it.
  alignas(kCacheLine) const std::size_t capacity_;
  const std::size_t mask_;
  const std::unique_ptr<T[], FreeSlots> buffer_;
  std::atomic<bool> producerTaken_{false};
  std::atomic<bool> consumerTaken_{false};
  ProducerSide prod_;
  ConsumerSide cons_;
  // The published positions, each alone on its line: stored by its owner once per commit, loaded
  // by the other side only when its cache runs short (or while it waits).
  alignas(kCacheLine) std::atomic<std::uint64_t> write_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> read_{0};
};

// The producer side of a ring: the only way to write to it. Move-only; default-constructed or
// moved-from it is empty (explicit operator bool), and then must not be used.
template <class T>
class SpscRing<T>::Producer {
 public:
  Producer() noexcept = default;
  Producer(Producer&& other) noexcept : ring_(std::exchange(other.ring_, nullptr)) {}
  Producer& operator=(Producer&& other) noexcept {
    ring_ = std::exchange(other.ring_, nullptr);
    return *this;
  }
  explicit operator bool() const noexcept { return ring_ != nullptr; }

  // Free slots right now (always reloads the consumer position).
  std::size_t writeAvailable() noexcept {
    ring_->prod_.cachedRead = ring_->read_.load(std::memory_order_acquire);
    return freeFromCache();
  }

  // Up to n writable slots; fewer if the ring is fuller. Reloads the consumer position only when
  // the cached one says fewer than n are free.
  WriteChunk writeChunk(std::size_t n) noexcept {
    SpscRing& r = *ring_;
    std::size_t avail = freeFromCache();
    if (avail < n) {
      r.prod_.cachedRead = r.read_.load(std::memory_order_acquire);
      avail = freeFromCache();
    }
    n = std::min(n, avail);
    const std::uint64_t w = r.prod_.write;
    const std::size_t start = static_cast<std::size_t>(w & r.mask_);
    const std::size_t ahead = std::max(n, kPrefetchAhead);  // items; see prefetchFree()
    if (avail > ahead) r.prefetchFree(w + ahead, std::min(n, avail - ahead));
    const std::size_t firstLen = std::min(n, r.capacity_ - start);
    return WriteChunk(ring_, std::span<T>(r.buffer_.get() + start, firstLen),
                      std::span<T>(r.buffer_.get(), n - firstLen));
  }

  // Writes what fits and returns the count; the caller keeps the rest (backpressure, nothing is
  // counted as lost). With granularity g (e.g. the channel count) only whole groups of g items are
  // written, so a full ring never splits an interleaved frame.
  std::size_t tryPush(const T* data, std::size_t n, std::size_t granularity = 1) noexcept {
    WriteChunk c = writeChunk(n);
    if (granularity > 1 && c.size() % granularity != 0)
      c = writeChunk(c.size() - c.size() % granularity);
    copyIn(c.first, data);
    copyIn(c.second, data + c.first.size());
    const std::size_t done = c.size();
    c.commit(done);
    return done;
  }

  // For producers that cannot wait or retry (device callbacks): writes what fits, never waits, and
  // counts the items that did not fit in droppedItems().
  std::size_t push(const T* data, std::size_t n, std::size_t granularity = 1) noexcept {
    const std::size_t done = tryPush(data, n, granularity);
    if (done < n) {
      auto& dropped = ring_->prod_.dropped;
      dropped.store(dropped.load(std::memory_order_relaxed) + (n - done), std::memory_order_relaxed);
    }
    return done;
  }

 private:
  friend class SpscRing;
  explicit Producer(SpscRing* r) noexcept : ring_(r) {}
  std::size_t freeFromCache() const noexcept {
    const std::uint64_t w = ring_->prod_.write;
    return ring_->capacity_ - static_cast<std::size_t>(w - ring_->prod_.cachedRead);
  }
  SpscRing* ring_ = nullptr;
};

// The consumer side of a ring: the only way to read from it. Move-only, empty like Producer.
template <class T>
class SpscRing<T>::Consumer {
 public:
  Consumer() noexcept = default;
  Consumer(Consumer&& other) noexcept : ring_(std::exchange(other.ring_, nullptr)) {}
  Consumer& operator=(Consumer&& other) noexcept {
    ring_ = std::exchange(other.ring_, nullptr);
    return *this;
  }
  explicit operator bool() const noexcept { return ring_ != nullptr; }

  // Items ready right now (always reloads the producer position).
  std::size_t readAvailable() noexcept {
    ring_->cons_.cachedWrite = ring_->write_.load(std::memory_order_acquire);
    return fillFromCache();
  }

  // Up to n readable items; reloads the producer position only when the cache says fewer than n.
  ReadChunk readChunk(std::size_t n) noexcept {
    SpscRing& r = *ring_;
    std::size_t avail = fillFromCache();
    if (avail < n) {
      r.cons_.cachedWrite = r.write_.load(std::memory_order_acquire);
      avail = fillFromCache();
    }
    n = std::min(n, avail);
    const std::uint64_t rd = r.cons_.read;
    const std::size_t start = static_cast<std::size_t>(rd & r.mask_);
    const std::size_t firstLen = std::min(n, r.capacity_ - start);
    return ReadChunk(ring_, std::span<const T>(r.buffer_.get() + start, firstLen),
                     std::span<const T>(r.buffer_.get(), n - firstLen));
  }

  // Copies out up to n items; returns how many.
  std::size_t pop(T* out, std::size_t n) noexcept {
    ReadChunk c = readChunk(n);
    copyOut(out, c.first);
    copyOut(out + c.first.size(), c.second);
    const std::size_t done = c.size();
    c.commit(done);
    return done;
  }

 private:
  friend class SpscRing;
  explicit Consumer(SpscRing* r) noexcept : ring_(r) {}
  std::size_t fillFromCache() const noexcept {
    const std::uint64_t rd = ring_->cons_.read;
    return static_cast<std::size_t>(ring_->cons_.cachedWrite - rd);
  }
  SpscRing* ring_ = nullptr;
};

}  // namespace ringmix::rt
