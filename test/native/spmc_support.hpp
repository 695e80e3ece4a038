// Shared by the SpmcRing stress tests: item codecs (each item is derived from its position) and a
// reader wrapper that checks every read against the position it expects to be at.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rt/spmc_ring.hpp"
#include "stress_support.hpp"

namespace ringmix::test {

// The position itself: proves no loss/duplication/reordering and exact `lost` counts.
struct PositionCodec {
  using Item = std::uint64_t;
  static Item make(std::uint64_t pos) { return pos; }
  static bool matches(const Item& item, std::uint64_t pos) { return item == pos; }
  static std::string show(const Item& item) { return std::to_string(item); }
};

// Two halves that must agree: a copy assembled from two different writes of a slot (a torn read)
// would pair one write's pos with another's check and fail, even when pos alone looks plausible.
// alignas(8): with alignof 4, clang + libstdc++ compiles std::atomic_ref<Tagged> into calls to
// libatomic's __atomic_load/__atomic_store (not linked here), although SpmcRing's
// is_always_lock_free check passes; see the report accompanying these tests.
struct alignas(8) Tagged {
  std::uint32_t pos;
  std::uint32_t check;
};
static_assert(sizeof(Tagged) == 8);

struct TaggedCodec {
  using Item = Tagged;
  static std::uint32_t hash(std::uint32_t x) {  // a bijection far from the identity
    x ^= x >> 16;
    x *= 0x7FEB352Du;
    x ^= x >> 15;
    x *= 0x846CA68Bu;
    return x ^ (x >> 16);
  }
  static Item make(std::uint64_t pos) {
    const auto p = static_cast<std::uint32_t>(pos);
    return {p, hash(p)};
  }
  static bool matches(const Item& item, std::uint64_t pos) {
    return item.pos == static_cast<std::uint32_t>(pos) && item.check == hash(item.pos);
  }
  static std::string show(const Item& item) {
    return "{pos " + std::to_string(item.pos) + ", check " + std::to_string(item.check) + "}";
  }
};

// A Reader plus what it should see next. For every read():
//   - a non-zero `lost` moves the expected position forward by exactly that much,
//   - each returned item must match the expected position, which then advances,
//   - nothing returned is more than maxLag behind the write position sampled before the read,
//     and nothing returned lies beyond the write position sampled after it,
//   - the reader's own position() must equal the expected one afterwards,
//   - with a granularity g, every read returns and loses whole frames and the reader only ever
//     stands on a whole number of frames from where it started (items encode their position, so
//     this is the same as every item sitting at the channel its index says).
template <class Codec>
class CheckedReader {
 public:
  using Item = typename Codec::Item;
  using Ring = rt::SpmcRing<Item>;
  using Result = typename Ring::ReadResult;

  // resumeLag, maxLag and granularity as for SpmcRing::reader (0: default).
  CheckedReader(const Ring& ring, std::size_t resumeLag, std::size_t maxLag, std::size_t maxRead,
                std::size_t granularity = 1)
      : ring_(ring), reader_(ring.reader(resumeLag, maxLag, granularity)),
        g_(granularity == 0 ? 1 : granularity),
        maxLag_(effectiveMaxLag(ring.capacity(), maxLag, g_)),
        start_(reader_.position()), expected_(start_), buf_(maxRead) {}

  // The rule SpmcRing::reader documents, worked out independently: clamp to the capacity, then
  // whole frames, at least one.
  static std::size_t effectiveMaxLag(std::size_t capacity, std::size_t maxLag, std::size_t g) {
    const std::size_t limit = maxLag == 0 ? capacity : std::min(maxLag, capacity);
    return std::max(g, limit / g * g);
  }

  // One read of up to maxRead (<= the constructor's) items; nullopt after logging a failure.
  std::optional<Result> step(FailureLog& log, std::size_t maxRead) {
    const std::uint64_t writtenBefore = ring_.writePosition();
    const Result res = reader_.read(buf_.data(), maxRead);
    if (res.items > maxRead) {
      log.fail("read returned more than maxItems");
      return std::nullopt;
    }
    if (reader_.maxLag() != maxLag_) {
      log.fail("effective maxLag " + std::to_string(reader_.maxLag()) + ", want " +
               std::to_string(maxLag_));
      return std::nullopt;
    }
    if (res.items % g_ != 0 || res.lost % g_ != 0) {
      log.fail("a read returned or lost part of a frame: items " + std::to_string(res.items) +
               ", lost " + std::to_string(res.lost) + ", granularity " + std::to_string(g_));
      return std::nullopt;
    }
    if (res.lost > 0) {
      expected_ += res.lost;
      lost_ += res.lost;
      ++readsWithLoss_;
    }
    if (res.items > 0) {
      // Signed differences: positions are free-running and may wrap past 2^64.
      if (static_cast<std::int64_t>(expected_ - (writtenBefore - maxLag_)) < 0) {
        log.fail("returned an item more than maxLag behind the write position");
        return std::nullopt;
      }
      if (static_cast<std::int64_t>(ring_.writePosition() - (expected_ + res.items)) < 0) {
        log.fail("returned items beyond the write position");
        return std::nullopt;
      }
    }
    for (std::size_t i = 0; i < res.items; ++i, ++expected_) {
      if (!Codec::matches(buf_[i], expected_)) {
        log.fail("item " + std::to_string(i) + " of a read (lost " + std::to_string(res.lost) +
                 ") at position " + std::to_string(expected_) + " is " + Codec::show(buf_[i]));
        return std::nullopt;
      }
    }
    items_ += res.items;
    if (!expectEq(log, "reader position", reader_.position(), expected_)) return std::nullopt;
    if (!expectEq(log, "reader position mod granularity", (expected_ - start_) % g_, 0))
      return std::nullopt;
    return res;
  }
  std::optional<Result> step(FailureLog& log) { return step(log, buf_.size()); }

  // Reads until nothing is left; only meaningful once the producer has stopped.
  bool drain(FailureLog& log) {
    while (reader_.lag() > 0)
      if (!step(log)) return false;
    return true;
  }

  // The end-of-run bookkeeping: nothing unaccounted for, counters agree with what we saw.
  void checkTotals(FailureLog& log) const {
    expectEq(log, "items + lost vs written since start", items_ + lost_,
             ring_.writePosition() - start_);
    expectEq(log, "lostItems()", reader_.lostItems(), lost_);
    if (reader_.dropouts() < readsWithLoss_) log.fail("fewer dropouts than reads that lost items");
  }

  const typename Ring::Reader& reader() const { return reader_; }
  std::uint64_t start() const { return start_; }
  std::uint64_t expected() const { return expected_; }
  std::uint64_t items() const { return items_; }
  std::uint64_t lost() const { return lost_; }

 private:
  const Ring& ring_;
  typename Ring::Reader reader_;
  std::size_t g_;
  std::size_t maxLag_;
  std::uint64_t start_, expected_;
  std::vector<Item> buf_;
  std::uint64_t items_ = 0, lost_ = 0, readsWithLoss_ = 0;
};

}  // namespace ringmix::test
