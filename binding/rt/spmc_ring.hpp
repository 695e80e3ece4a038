// SpmcRing<T>: a lossy single-producer broadcast ring (in the style of Agrona's broadcast buffer).
//
// One producer writes; any number of readers, created and dropped at any time, each read every item
// at their own pace. The producer never waits and never reads reader state, so its cost does not
// depend on how many readers there are or whether one has stalled. A reader that falls more than
// `capacity` items behind has been lapped: it is told exactly how many items it lost and resumes
// at a skip-ahead position.
//
// Memory-ordering argument (see also ARCHITECTURE.md):
// - The producer owns two free-running 64-bit positions. Before it touches any slot of a batch
//   [start, end) it stores `intent_ = end`; after the batch it stores `published_ = end` (release).
// - Slot stores are release stores and a reader's slot loads are acquire loads (both plain moves on
//   x86). So if a reader's copy picked up any value from a newer batch, the `intent_` store of that
//   batch happens-before the reader's later load of `intent_`, which therefore sees it.
// - A reader loads `published_` (acquire), copies [pos, pos+n), then loads `intent_`. The slot of
//   position p is only overwritten by a batch that needs position p + capacity, i.e. after
//   `intent_` has passed p + capacity. So the copy is intact iff `intent_ - pos <= capacity`.
//   Otherwise the copy is discarded, never returned.
// - Frames: a reader made with granularity g (items per frame) only ever stands on whole frames
//   counted from where it started. The producer writes whole frames, so `published_` and `intent_`
//   are frame-aligned; a read takes whole frames; the lags are whole frames; and the one position
//   that is not aligned by construction, `intent_ - capacity` (capacity is a power of two, g need
//   not divide it), is rounded up, never down: later is always safe.
// - Slots are accessed through std::atomic_ref: the producer really does overwrite slots a slow
//   reader may be copying, and an atomic access makes that race defined behaviour (and visible to
//   ThreadSanitizer) instead of a data race that merely happens to work.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <type_traits>

#include "cache_line.hpp"

namespace ringmix::rt {

// Unit tests only (never defined in production code): lets a test hold the producer between
// announcing a batch and publishing it, a state every write() passes through.
template <class T>
struct SpmcRingTestAccess;

template <class T>
class SpmcRing {
  static_assert(std::is_trivially_copyable_v<T>, "SpmcRing items are copied");
  static_assert(std::atomic_ref<T>::is_always_lock_free,
                "SpmcRing items must be lock-free atomics (a float, an integer, a small struct)");
  // An item aligned less than its size (struct { float l, r; }) is lock-free on paper, but clang
  // then emits out-of-line libatomic calls instead of plain moves, and new T[] would not give the
  // alignment atomic_ref requires. Give such a type alignas(sizeof(T)).
  static_assert(alignof(T) >= std::atomic_ref<T>::required_alignment,
                "SpmcRing items must be aligned to their size: add alignas(sizeof(T))");

 public:
  struct ReadResult {
    std::size_t items;   // items written to `out`
    std::uint64_t lost;  // items skipped, all before the returned ones (0: no dropout)
  };

  class Reader {
   public:
    // Copies up to maxItems of the oldest unread items into out, in whole frames only (so a
    // maxItems below one frame reads nothing). Never blocks. When the producer has lapped this
    // reader, `lost` counts exactly the items it will never see (whole frames too), and the reader
    // has skipped ahead to `resumeLag` items behind the newest one.
    ReadResult read(T* out, std::size_t maxItems) noexcept {
      std::uint64_t lost = 0;
      // Each retry follows a lap during the copy; the reader jumps close to the producer, so a
      // second lap in a row needs the producer to write a whole ring meanwhile. Bounded all the same.
      for (int attempt = 0; attempt < 4; ++attempt) {
        const std::uint64_t pub = ring_->published_.load(std::memory_order_acquire);
        if (pub - pos_ > maxLag_) {
          lost += skipAhead(pub, pub);
          continue;
        }
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(pub - pos_, maxItems));
        if (granularity_ > 1) n -= n % granularity_;  // the division only for frames of > 1 item
        ring_->copyOut(pos_, out, n);
        const std::uint64_t intent = ring_->intent_.load(std::memory_order_acquire);
        if (intent - pos_ <= ring_->capacity_) {
          pos_ += n;
          return {n, lost};
        }
        lost += skipAhead(ring_->published_.load(std::memory_order_acquire), intent);
      }
      return {0, lost};
    }

    // Items written but not yet read by this reader (may exceed capacity when lapped).
    std::uint64_t lag() const noexcept {
      return ring_->published_.load(std::memory_order_acquire) - pos_;
    }
    std::uint64_t position() const noexcept { return pos_; }
    std::uint64_t dropouts() const noexcept { return dropouts_; }
    std::uint64_t lostItems() const noexcept { return lostTotal_; }
    // The effective settings, after reader() clamped and rounded them to whole frames.
    std::size_t resumeLag() const noexcept { return resumeLag_; }
    std::size_t maxLag() const noexcept { return maxLag_; }
    std::size_t granularity() const noexcept { return granularity_; }

   private:
    friend class SpmcRing;
    Reader(const SpmcRing* r, std::uint64_t pos, std::size_t resumeLag, std::size_t maxLag,
           std::size_t granularity)
        : ring_(r), pos_(pos), resumeLag_(resumeLag), maxLag_(maxLag), granularity_(granularity) {}

    // Moves pos_ forward after a lap (pub >= pos_ always). The new position keeps `resumeLag_`
    // items of history when they are still intact, is never older than what the producer may be
    // overwriting, and never newer than `pub` (a batch larger than the ring can put intent - capacity
    // past pub; the items it clamped away are then counted on the next read).
    // pos_, pub and resumeLag_ are whole frames, so only the intent - capacity clamp can land
    // mid-frame; it is rounded up to the next frame (or to pub, itself a frame boundary).
    std::uint64_t skipAhead(std::uint64_t pub, std::uint64_t intent) noexcept {
      std::uint64_t target = pub - std::min<std::uint64_t>(resumeLag_, pub - pos_);
      std::uint64_t oldestSafe = intent - ring_->capacity_;
      if (static_cast<std::int64_t>(oldestSafe - target) > 0) {
        // Here oldestSafe > target >= pos_. Measured from pos_, not from 0: 2^64 need not be a
        // whole number of frames.
        const std::size_t partial = static_cast<std::size_t>((oldestSafe - pos_) % granularity_);
        if (partial != 0) oldestSafe += granularity_ - partial;
        target = oldestSafe;
      }
      if (static_cast<std::int64_t>(target - pub) > 0) target = pub;
      const std::uint64_t skipped = target - pos_;
      if (skipped == 0) return 0;
      pos_ = target;
      ++dropouts_;
      lostTotal_ += skipped;
      return skipped;
    }

    const SpmcRing* ring_;
    std::uint64_t pos_;
    std::size_t resumeLag_;
    std::size_t maxLag_;
    std::size_t granularity_;
    std::uint64_t dropouts_ = 0;
    std::uint64_t lostTotal_ = 0;
  };

  // Capacity is minCapacity rounded up to a power of two. startPosition lets tests begin near
  // UINT64_MAX to prove the wrap-around arithmetic.
  explicit SpmcRing(std::size_t minCapacity, std::uint64_t startPosition = 0)
      : capacity_(roundUpPow2(minCapacity)), mask_(capacity_ - 1), buffer_(new T[capacity_]()) {
    intent_.store(startPosition, std::memory_order_relaxed);
    published_.store(startPosition, std::memory_order_relaxed);
  }

  SpmcRing(const SpmcRing&) = delete;
  SpmcRing& operator=(const SpmcRing&) = delete;

  std::size_t capacity() const noexcept { return capacity_; }

  // Producer: appends n items. Never waits, never looks at readers. Writing more than capacity at
  // once keeps only the newest capacity items (readers see the rest as lost).
  void write(const T* data, std::size_t n) noexcept {
    const std::uint64_t start = published_.load(std::memory_order_relaxed);
    const std::uint64_t end = start + n;
    intent_.store(end, std::memory_order_relaxed);  // ordered before the slot stores: they release
    if (n > capacity_) {
      data += n - capacity_;
      n = capacity_;
    }
    // Locals: the atomic stores would otherwise make the compiler reload mask_ and buffer_ for
    // every item (measured: twice as slow).
    T* const buf = buffer_.get();
    const std::uint64_t mask = mask_;
    std::uint64_t p = end - n;
    for (std::size_t i = 0; i < n; ++i, ++p)
      std::atomic_ref<T>(buf[static_cast<std::size_t>(p & mask)]).store(data[i], std::memory_order_release);
    published_.store(end, std::memory_order_release);
  }

  // A reader starting at the newest position: it sees only what is written from now on.
  // - maxLag (default and at most capacity): a reader further behind than this counts as lapped
  //   even if the items are still intact; bounds how stale a consumer's audio can get.
  // - resumeLag (default maxLag/2, at most maxLag): how far behind the newest item it resumes after
  //   a lap.
  // - granularity: items per frame (the channel count of interleaved audio; 0 means 1). The reader
  //   then moves in whole frames only: both lags are rounded down to whole frames (a non-zero lag
  //   to at least one), reads return whole frames, and a lap never resumes mid-frame. This relies
  //   on the producer writing whole frames, which it must do anyway.
  // Throws std::invalid_argument if a frame is larger than the ring. Not for real-time threads.
  Reader reader(std::size_t resumeLag = 0, std::size_t maxLag = 0,
                std::size_t granularity = 1) const {
    const std::size_t g = granularity == 0 ? 1 : granularity;
    if (g > capacity_) throw std::invalid_argument("SpmcRing reader: frame larger than the ring");
    const std::size_t limit = wholeFrames(maxLag == 0 ? capacity_ : std::min(maxLag, capacity_), g);
    const std::size_t lag = wholeFrames(resumeLag == 0 ? limit / 2 : std::min(resumeLag, limit), g);
    return Reader(this, published_.load(std::memory_order_acquire), lag, limit, g);
  }

  // The item storage, for locking it in RAM (control side, before real-time use).
  const void* storage() const noexcept { return buffer_.get(); }
  std::size_t storageBytes() const noexcept { return capacity_ * sizeof(T); }

  std::uint64_t writePosition() const noexcept { return published_.load(std::memory_order_acquire); }

 private:
  template <class U>
  friend struct SpmcRingTestAccess;

  // n rounded down to whole frames of g, but never from a non-zero n to 0 (g <= capacity, so the
  // result stays within the limit it was clamped to).
  static std::size_t wholeFrames(std::size_t n, std::size_t g) noexcept {
    return n == 0 ? 0 : std::max(g, n - n % g);
  }

  void copyOut(std::uint64_t pos, T* out, std::size_t n) const noexcept {
    T* const buf = buffer_.get();
    const std::uint64_t mask = mask_;
    for (std::size_t i = 0; i < n; ++i, ++pos)
      out[i] = std::atomic_ref<T>(buf[static_cast<std::size_t>(pos & mask)]).load(std::memory_order_acquire);
  }

  alignas(kCacheLine) const std::size_t capacity_;
  const std::size_t mask_;
  const std::unique_ptr<T[]> buffer_;
  // Both producer-owned, written together every batch: one line is right for them.
  alignas(kCacheLine) std::atomic<std::uint64_t> intent_{0};
  std::atomic<std::uint64_t> published_{0};
};

}  // namespace ringmix::rt
