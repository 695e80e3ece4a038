// SpscRing through its handles, single-threaded: exact counts, drops and backpressure,
// granularity, and the 2^64 position wrap. Chunk geometry is in spsc_chunk_test.cpp, the handles
// themselves in spsc_handle_test.cpp.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>

#include "rt/spsc_ring.hpp"
#include "spsc_support.hpp"

using ringmix::rt::SpscRing;
using namespace ringmix::test;

namespace {
constexpr std::uint64_t kMax = ringmix::test::kMaxPosition;
}  // namespace

TEST_CASE("SpscRing starts empty") {
  SpscRing<std::uint64_t> ring(8);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  CHECK(ring.capacity() == 8);
  CHECK(cons.readAvailable() == 0);
  CHECK(prod.writeAvailable() == 8);
  CHECK(ring.sizeApprox() == 0);
  CHECK(ring.droppedItems() == 0);
  std::uint64_t out[4];
  CHECK(cons.pop(out, 4) == 0);
  CHECK(cons.readChunk(4).size() == 0);
}

TEST_CASE("SpscRing push then pop preserves order and counts") {
  SpscRing<std::uint64_t> ring(8);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  const auto in = positions(0, 5);
  CHECK(prod.push(in.data(), 5) == 5);
  CHECK(cons.readAvailable() == 5);
  CHECK(prod.writeAvailable() == 3);
  CHECK(ring.sizeApprox() == 5);
  CHECK(ring.writePosition() == 5);
  CHECK(ring.readPosition() == 0);

  std::uint64_t out[8] = {};
  CHECK(cons.pop(out, 2) == 2);
  CHECK(out[0] == 0);
  CHECK(out[1] == 1);
  CHECK(cons.pop(out, 8) == 3);  // asks for more than is there: gets what there is
  CHECK(out[0] == 2);
  CHECK(out[2] == 4);
  CHECK(cons.readAvailable() == 0);
  CHECK(ring.readPosition() == 5);
  CHECK(ring.droppedItems() == 0);
}

TEST_CASE("SpscRing uses its whole capacity (no reserved slot)") {
  SpscRing<std::uint64_t> ring(4);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  const auto in = positions(10, 4);
  CHECK(prod.push(in.data(), 4) == 4);
  CHECK(prod.writeAvailable() == 0);
  CHECK(cons.readAvailable() == 4);
  CHECK(ring.sizeApprox() == 4);
}

TEST_CASE("SpscRing partial push when full counts exactly the refused items") {
  SpscRing<std::uint64_t> ring(4);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  const auto in = positions(0, 6);
  CHECK(prod.push(in.data(), 6) == 4);  // writes what fits...
  CHECK(ring.droppedItems() == 2);      // ...and counts the rest
  CHECK(prod.push(in.data(), 3) == 0);
  CHECK(ring.droppedItems() == 5);

  std::uint64_t out[4];
  REQUIRE(cons.pop(out, 4) == 4);
  for (std::uint64_t i = 0; i < 4; ++i) CHECK(out[i] == i);  // the first items won, not the last

  CHECK(prod.push(in.data(), 1) == 1);
  CHECK(prod.push(in.data(), 0) == 0);  // an empty push is not a drop
  CHECK(ring.droppedItems() == 5);
}

TEST_CASE("SpscRing tryPush writes what fits without counting drops") {
  SpscRing<std::uint64_t> ring(4);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  const auto in = positions(0, 6);
  CHECK(prod.tryPush(in.data(), 6) == 4);  // the caller keeps the rest: backpressure, not loss
  CHECK(ring.droppedItems() == 0);
  CHECK(prod.tryPush(in.data() + 4, 2) == 0);
  CHECK(ring.droppedItems() == 0);
  std::uint64_t out[4];
  REQUIRE(cons.pop(out, 2) == 2);
  CHECK(prod.tryPush(in.data() + 4, 2) == 2);  // retry of the rest once there is room
  REQUIRE(cons.pop(out, 4) == 4);
  for (std::uint64_t i = 0; i < 4; ++i) CHECK(out[i] == 2 + i);
}

TEST_CASE("SpscRing granularity writes only whole groups") {
  SpscRing<std::uint64_t> ring(8);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  const auto in = positions(0, 12);
  // 8 free, groups of 3 (e.g. 3 interleaved channels): 6 written, never a split frame.
  CHECK(prod.tryPush(in.data(), 12, 3) == 6);
  CHECK(ring.writePosition() == 6);
  CHECK(ring.droppedItems() == 0);
  // 2 free: not even one group fits.
  CHECK(prod.tryPush(in.data() + 6, 3, 3) == 0);
  // push counts everything it refused, including the group it would have had to split.
  CHECK(prod.push(in.data() + 6, 6, 3) == 0);
  CHECK(ring.droppedItems() == 6);
  std::uint64_t out[8];
  REQUIRE(cons.pop(out, 8) == 6);
  checkRunEq(out, 6, 0);
  // Free space is now 8 again; positions are not group-aligned in the buffer (start at 6).
  CHECK(prod.push(in.data() + 6, 6, 4) == 4);  // 6 asked, groups of 4: one group of 4
  CHECK(ring.droppedItems() == 8);
  REQUIRE(cons.pop(out, 8) == 4);
  checkRunEq(out, 4, 6);
  // Granularity 1 (the default) and 0 both mean "item by item".
  CHECK(prod.tryPush(in.data(), 5, 1) == 5);
  CHECK(prod.tryPush(in.data(), 5, 0) == 3);
}

TEST_CASE("SpscRing capacity 1 alternates") {
  SpscRing<std::uint64_t> ring(1);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  REQUIRE(ring.capacity() == 1);
  for (std::uint64_t i = 0; i < 5; ++i) {
    const std::uint64_t two[2] = {i, i + 100};
    CHECK(prod.push(two, 2) == 1);
    std::uint64_t out = 0;
    CHECK(cons.pop(&out, 2) == 1);
    CHECK(out == i);
  }
  CHECK(ring.droppedItems() == 5);
}

TEST_CASE("SpscRing start position near UINT64_MAX crosses the wrap") {
  const std::uint64_t start = kMax - 5;
  SpscRing<std::uint64_t> ring(8, start);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  CHECK(ring.writePosition() == start);
  CHECK(ring.readPosition() == start);
  CHECK(cons.readAvailable() == 0);
  CHECK(prod.writeAvailable() == 8);

  // Three rounds of 7 push the positions well past 2^64.
  std::uint64_t expected = start;
  for (int round = 0; round < 3; ++round) {
    const auto in = positions(expected, 7);  // values wrap along with the positions
    REQUIRE(prod.push(in.data(), 7) == 7);
    CHECK(cons.readAvailable() == 7);
    CHECK(prod.writeAvailable() == 1);
    CHECK(ring.sizeApprox() == 7);
    std::uint64_t out[7];
    REQUIRE(cons.pop(out, 7) == 7);
    for (std::uint64_t v : out) CHECK(v == expected++);
  }
  CHECK(ring.writePosition() == start + 21);  // i.e. 15, after wrapping
  CHECK(ring.writePosition() == 15);
  CHECK(ring.readPosition() == 15);
  CHECK(ring.droppedItems() == 0);
}

TEST_CASE("SpscRing carries trivially copyable structs") {
  struct Frame {
    float left, right;
    std::uint16_t tag;
  };
  SpscRing<Frame> ring(3);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  const Frame in[3] = {{0.5f, -0.5f, 1}, {1.0f, 2.0f, 2}, {3.0f, 4.0f, 3}};
  REQUIRE(prod.push(in, 3) == 3);
  Frame out[3];
  REQUIRE(cons.pop(out, 3) == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(out[i].left == in[i].left);
    CHECK(out[i].right == in[i].right);
    CHECK(out[i].tag == in[i].tag);
  }
}
