// SpscRing's handles: each side is handed out once, handles are move-only and can be empty, each
// side's operations exist only on its own handle, and handles keep working as they are moved
// around, across the position wrap, at tiny capacities and with granularity.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "rt/spsc_ring.hpp"
#include "spsc_support.hpp"

using ringmix::rt::SpscRing;
using namespace ringmix::test;

namespace {
using Ring = SpscRing<std::uint64_t>;
using Producer = Ring::Producer;
using Consumer = Ring::Consumer;

// Move-only, default-constructible (empty), testable only explicitly.
template <class H>
constexpr bool kHandleTraits =
    std::is_nothrow_default_constructible_v<H> && !std::is_copy_constructible_v<H> &&
    !std::is_copy_assignable_v<H> && std::is_nothrow_move_constructible_v<H> &&
    std::is_nothrow_move_assignable_v<H> && std::is_constructible_v<bool, H> &&
    !std::is_convertible_v<H, bool> && !std::is_constructible_v<H, Ring*>;
static_assert(kHandleTraits<Producer>);
static_assert(kHandleTraits<Consumer>);
// A thin pointer: nothing else to copy around or keep in cache.
static_assert(sizeof(Producer) == sizeof(void*) && sizeof(Consumer) == sizeof(void*));

// Each side's operations are reachable only through its own handle.
template <class H>
constexpr bool kCanProduce = requires(H h, const std::uint64_t* in) {
  h.push(in, 1);
  h.tryPush(in, 1);
  h.writeAvailable();
  h.writeChunk(1);
};
template <class H>
constexpr bool kCanConsume = requires(H h, std::uint64_t* out) { h.pop(out, 1); } ||
                             requires(H h) { h.readAvailable(); } ||
                             requires(H h) { h.readChunk(1); };
template <class H>
constexpr bool kCanProduceAny = requires(H h, const std::uint64_t* in) { h.push(in, 1); } ||
                                requires(H h, const std::uint64_t* in) { h.tryPush(in, 1); } ||
                                requires(H h) { h.writeAvailable(); } ||
                                requires(H h) { h.writeChunk(1); };
static_assert(kCanProduce<Producer> && !kCanConsume<Producer>);
static_assert(requires(Consumer c, std::uint64_t* out) {
  c.pop(out, 1);
  c.readAvailable();
  c.readChunk(1);
});
static_assert(!kCanProduceAny<Consumer>);
// Chunks come only from a handle.
static_assert(!std::is_constructible_v<Ring::WriteChunk, Ring*, std::span<std::uint64_t>,
                                       std::span<std::uint64_t>>);

// Self-move through references (a literal `p = std::move(p)` would be flagged by the compiler).
template <class H>
void selfMove(H& a, H& b) {
  a = std::move(b);
}
}  // namespace

TEST_CASE("SpscRing hands out its producer and its consumer once each") {
  Ring ring(4);
  Producer prod = ring.producer();
  CHECK(prod);
  CHECK_THROWS_AS(ring.producer(), std::logic_error);
  // Taking the producer does not take the consumer, and the other way round.
  Consumer cons = ring.consumer();
  CHECK(cons);
  CHECK_THROWS_AS(ring.consumer(), std::logic_error);
  CHECK_THROWS_AS(ring.producer(), std::logic_error);

  // Dropping a handle does not give its side back: there is still only ever one.
  {
    Producer gone = std::move(prod);
    CHECK(gone);
  }
  CHECK_THROWS_AS(ring.producer(), std::logic_error);

  // Another ring is unaffected.
  Ring other(4);
  CHECK(other.producer());
  CHECK(other.consumer());
}

TEST_CASE("SpscRing handles: default-constructed and moved-from handles are empty") {
  Producer none;
  Consumer nothing;
  CHECK_FALSE(none);
  CHECK_FALSE(nothing);

  Ring ring(8);
  Producer a = ring.producer();
  Consumer c = ring.consumer();
  const auto in = positions(0, 8);
  std::uint64_t out[8];

  Producer b = std::move(a);  // move construction
  CHECK_FALSE(a);
  REQUIRE(b);
  CHECK(b.push(in.data(), 3) == 3);

  none = std::move(b);  // move assignment into an empty handle
  CHECK_FALSE(b);
  REQUIRE(none);
  CHECK(none.push(in.data() + 3, 2) == 2);

  selfMove(none, none);  // self-move keeps the handle
  CHECK(none);
  CHECK(none.writeAvailable() == 3);

  nothing = std::move(c);
  CHECK_FALSE(c);
  REQUIRE(nothing.pop(out, 8) == 5);
  checkRunEq(out, 5, 0);

  // Move assignment over a live handle replaces it (its ring's side is then simply unused).
  Ring second(8);
  Producer p2 = second.producer();
  none = std::move(p2);
  CHECK_FALSE(p2);
  CHECK(none.push(in.data(), 1) == 1);
  CHECK(second.writePosition() == 1);
  CHECK(ring.writePosition() == 5);
}

TEST_CASE("SpscRing handles as members filled in later") {
  struct Input {
    Ring ring{16};
    Producer producer;  // empty until setup
    Consumer consumer;
  };
  Input in;
  CHECK_FALSE(in.producer);
  CHECK_FALSE(in.consumer);
  in.producer = in.ring.producer();
  in.consumer = in.ring.consumer();
  REQUIRE(in.producer);
  REQUIRE(in.consumer);
  const std::uint64_t frame[2] = {7, 8};
  CHECK(in.producer.push(frame, 2, 2) == 2);
  std::uint64_t out[2];
  CHECK(in.consumer.pop(out, 2) == 2);
  CHECK(out[0] == 7);
  CHECK(out[1] == 8);
}

TEST_CASE("SpscRing a chunk outlives the move of the handle that gave it out") {
  Ring ring(4);
  Producer prod = ring.producer();
  Consumer cons = ring.consumer();
  auto w = prod.writeChunk(4);
  fill(w, 40);
  Producer moved = std::move(prod);  // the chunk belongs to the ring, not to the handle object
  w.commit(4);
  auto r = cons.readChunk(4);
  Consumer movedCons = std::move(cons);
  REQUIRE(r.size() == 4);
  CHECK(r.first[0] == 40);
  r.commit(4);
  CHECK(movedCons.readAvailable() == 0);
  CHECK(moved.writeAvailable() == 4);
}

TEST_CASE("SpscRing handles moved around mid-stream, across the wrap, with granularity") {
  for (std::size_t capacity : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    for (std::size_t g : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
      if (g > capacity) continue;
      CAPTURE(capacity);
      CAPTURE(g);
      const std::uint64_t start = kMaxPosition - 2 * capacity - 1;
      Ring ring(capacity, start);
      Producer prod[2] = {ring.producer(), {}};
      Consumer cons[2] = {ring.consumer(), {}};
      std::uint64_t next = start, expected = start, refused = 0;
      std::vector<std::uint64_t> buf(3 * g), out(3 * g);
      for (int round = 0; round < 40; ++round) {
        // Hand both sides over to the other slot every round.
        const std::size_t from = static_cast<std::size_t>(round) % 2, to = 1 - from;
        Producer& p = prod[to];
        Consumer& c = cons[to];
        p = std::move(prod[from]);
        c = std::move(cons[from]);
        REQUIRE(p);
        REQUIRE(c);
        CHECK_FALSE(prod[from]);
        CHECK_FALSE(cons[from]);
        const std::size_t want = g * (1 + static_cast<std::size_t>(round) % 3);
        for (std::size_t i = 0; i < want; ++i) buf[i] = next + i;
        const std::size_t done = round % 2 == 0 ? p.push(buf.data(), want, g)
                                                : p.tryPush(buf.data(), want, g);
        CHECK(done % g == 0);
        if (round % 2 == 0) refused += want - done;
        next += done;
        const std::size_t got = c.pop(out.data(), out.size());
        checkRunEq(out.data(), got, expected);
        expected += got;
        CHECK(ring.writePosition() == next);
        CHECK(ring.readPosition() == expected);
      }
      CHECK(ring.droppedItems() == refused);
      CHECK(next - start > 2 * capacity + 1);  // the run crossed 2^64
    }
  }
}
