// SpscRing, single-threaded: exact counts, chunk geometry and the 2^64 position wrap.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "rt/spsc_ring.hpp"

using ringmix::rt::SpscRing;

namespace {
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// Items equal to their position make every wrong slot or off-by-one visible.
std::vector<std::uint64_t> positions(std::uint64_t first, std::size_t n) {
  std::vector<std::uint64_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = first + i;
  return v;
}

// Checks out[0..n) == first, first+1, ...
void checkRunEq(const std::uint64_t* out, std::size_t n, std::uint64_t first) {
  for (std::size_t i = 0; i < n; ++i) {
    CAPTURE(i);
    CHECK(out[i] == first + i);
  }
}

// Writes consecutive positions into a chunk's two spans, in order.
template <class Chunk>
void fill(Chunk& c, std::uint64_t first) {
  for (auto& s : c.first) s = first++;
  for (auto& s : c.second) s = first++;
}
}  // namespace

TEST_CASE("SpscRing starts empty") {
  SpscRing<std::uint64_t> ring(8);
  CHECK(ring.capacity() == 8);
  CHECK(ring.readAvailable() == 0);
  CHECK(ring.writeAvailable() == 8);
  CHECK(ring.sizeApprox() == 0);
  CHECK(ring.droppedItems() == 0);
  std::uint64_t out[4];
  CHECK(ring.pop(out, 4) == 0);
  CHECK(ring.readChunk(4).size() == 0);
}

TEST_CASE("SpscRing push then pop preserves order and counts") {
  SpscRing<std::uint64_t> ring(8);
  const auto in = positions(0, 5);
  CHECK(ring.push(in.data(), 5) == 5);
  CHECK(ring.readAvailable() == 5);
  CHECK(ring.writeAvailable() == 3);
  CHECK(ring.sizeApprox() == 5);
  CHECK(ring.writePosition() == 5);
  CHECK(ring.readPosition() == 0);

  std::uint64_t out[8] = {};
  CHECK(ring.pop(out, 2) == 2);
  CHECK(out[0] == 0);
  CHECK(out[1] == 1);
  CHECK(ring.pop(out, 8) == 3);  // asks for more than is there: gets what there is
  CHECK(out[0] == 2);
  CHECK(out[2] == 4);
  CHECK(ring.readAvailable() == 0);
  CHECK(ring.readPosition() == 5);
  CHECK(ring.droppedItems() == 0);
}

TEST_CASE("SpscRing uses its whole capacity (no reserved slot)") {
  SpscRing<std::uint64_t> ring(4);
  const auto in = positions(10, 4);
  CHECK(ring.push(in.data(), 4) == 4);
  CHECK(ring.writeAvailable() == 0);
  CHECK(ring.readAvailable() == 4);
  CHECK(ring.sizeApprox() == 4);
}

TEST_CASE("SpscRing partial push when full counts exactly the refused items") {
  SpscRing<std::uint64_t> ring(4);
  const auto in = positions(0, 6);
  CHECK(ring.push(in.data(), 6) == 4);  // writes what fits...
  CHECK(ring.droppedItems() == 2);      // ...and counts the rest
  CHECK(ring.push(in.data(), 3) == 0);
  CHECK(ring.droppedItems() == 5);

  std::uint64_t out[4];
  REQUIRE(ring.pop(out, 4) == 4);
  for (std::uint64_t i = 0; i < 4; ++i) CHECK(out[i] == i);  // the first items won, not the last

  CHECK(ring.push(in.data(), 1) == 1);
  CHECK(ring.push(in.data(), 0) == 0);  // an empty push is not a drop
  CHECK(ring.droppedItems() == 5);
}

TEST_CASE("SpscRing tryPush writes what fits without counting drops") {
  SpscRing<std::uint64_t> ring(4);
  const auto in = positions(0, 6);
  CHECK(ring.tryPush(in.data(), 6) == 4);  // the caller keeps the rest: backpressure, not loss
  CHECK(ring.droppedItems() == 0);
  CHECK(ring.tryPush(in.data() + 4, 2) == 0);
  CHECK(ring.droppedItems() == 0);
  std::uint64_t out[4];
  REQUIRE(ring.pop(out, 2) == 2);
  CHECK(ring.tryPush(in.data() + 4, 2) == 2);  // retry of the rest once there is room
  REQUIRE(ring.pop(out, 4) == 4);
  for (std::uint64_t i = 0; i < 4; ++i) CHECK(out[i] == 2 + i);
}

TEST_CASE("SpscRing granularity writes only whole groups") {
  SpscRing<std::uint64_t> ring(8);
  const auto in = positions(0, 12);
  // 8 free, groups of 3 (e.g. 3 interleaved channels): 6 written, never a split frame.
  CHECK(ring.tryPush(in.data(), 12, 3) == 6);
  CHECK(ring.writePosition() == 6);
  CHECK(ring.droppedItems() == 0);
  // 2 free: not even one group fits.
  CHECK(ring.tryPush(in.data() + 6, 3, 3) == 0);
  // push counts everything it refused, including the group it would have had to split.
  CHECK(ring.push(in.data() + 6, 6, 3) == 0);
  CHECK(ring.droppedItems() == 6);
  std::uint64_t out[8];
  REQUIRE(ring.pop(out, 8) == 6);
  checkRunEq(out, 6, 0);
  // Free space is now 8 again; positions are not group-aligned in the buffer (start at 6).
  CHECK(ring.push(in.data() + 6, 6, 4) == 4);  // 6 asked, groups of 4: one group of 4
  CHECK(ring.droppedItems() == 8);
  REQUIRE(ring.pop(out, 8) == 4);
  checkRunEq(out, 4, 6);
  // Granularity 1 (the default) and 0 both mean "item by item".
  CHECK(ring.tryPush(in.data(), 5, 1) == 5);
  CHECK(ring.tryPush(in.data(), 5, 0) == 3);
}

TEST_CASE("SpscRing capacity 1 alternates") {
  SpscRing<std::uint64_t> ring(1);
  REQUIRE(ring.capacity() == 1);
  for (std::uint64_t i = 0; i < 5; ++i) {
    const std::uint64_t two[2] = {i, i + 100};
    CHECK(ring.push(two, 2) == 1);
    std::uint64_t out = 0;
    CHECK(ring.pop(&out, 2) == 1);
    CHECK(out == i);
  }
  CHECK(ring.droppedItems() == 5);
}

TEST_CASE("SpscRing writeChunk wraps into a second span") {
  SpscRing<std::uint64_t> ring(8);
  const auto in = positions(0, 5);
  std::uint64_t out[8];
  REQUIRE(ring.push(in.data(), 5) == 5);
  REQUIRE(ring.pop(out, 5) == 5);  // now at position 5: slots 5,6,7 then 0,1,...

  auto w = ring.writeChunk(6);
  REQUIRE(w.size() == 6);
  REQUIRE(w.first.size() == 3);
  REQUIRE(w.second.size() == 3);
  // first covers slots 5..7 and second starts at slot 0 of the same buffer.
  CHECK(w.second.data() + 5 == w.first.data());
  fill(w, 5);
  w.commit(6);
  CHECK(ring.writePosition() == 11);

  auto r = ring.readChunk(8);
  REQUIRE(r.size() == 6);
  REQUIRE(r.first.size() == 3);
  REQUIRE(r.second.size() == 3);
  CHECK(r.second.data() + 5 == r.first.data());
  std::uint64_t p = 5;
  for (auto v : r.first) CHECK(v == p++);
  for (auto v : r.second) CHECK(v == p++);
  r.commit(6);
  CHECK(ring.readPosition() == 11);
  CHECK(ring.readAvailable() == 0);
}

TEST_CASE("SpscRing chunks that fit before the end have an empty second span") {
  SpscRing<std::uint64_t> ring(8);
  auto w = ring.writeChunk(8);
  CHECK(w.first.size() == 8);
  CHECK(w.second.empty());
  w.commit(0);
  CHECK(ring.writePosition() == 0);
}

TEST_CASE("SpscRing chunk sizes are limited by free space and data") {
  SpscRing<std::uint64_t> ring(8);
  const auto in = positions(0, 6);
  REQUIRE(ring.push(in.data(), 6) == 6);
  auto w = ring.writeChunk(100);
  CHECK(w.size() == 2);
  auto r = ring.readChunk(100);
  CHECK(r.size() == 6);
  // Neither chunk call changes any position or counts a drop.
  CHECK(ring.writePosition() == 6);
  CHECK(ring.readPosition() == 0);
  CHECK(ring.droppedItems() == 0);
}

TEST_CASE("SpscRing commit(k) publishes only k items and clamps to the chunk") {
  SpscRing<std::uint64_t> ring(8);
  {
    auto w = ring.writeChunk(4);
    fill(w, 0);
    w.commit(2);  // only 0 and 1 become visible
  }
  CHECK(ring.readAvailable() == 2);
  CHECK(ring.writeAvailable() == 6);
  {
    // The uncommitted slots are handed out again, at the same place.
    auto w = ring.writeChunk(100);
    REQUIRE(w.size() == 6);
    fill(w, 2);
    w.commit(1000);  // more than handed out: clamped to 6
  }
  CHECK(ring.writePosition() == 8);
  CHECK(ring.readAvailable() == 8);
  {
    auto r = ring.readChunk(3);
    REQUIRE(r.size() == 3);
    CHECK(r.first[0] == 0);
    r.commit(1);  // consume just item 0
  }
  {
    auto r = ring.readChunk(100);
    REQUIRE(r.size() == 7);
    CHECK(r.first[0] == 1);  // the next chunk starts right after what was committed
    r.commit(100);           // clamped to 7
  }
  CHECK(ring.readPosition() == 8);
  CHECK(ring.readAvailable() == 0);
}

TEST_CASE("SpscRing start position near UINT64_MAX crosses the wrap") {
  const std::uint64_t start = kMax - 5;
  SpscRing<std::uint64_t> ring(8, start);
  CHECK(ring.writePosition() == start);
  CHECK(ring.readPosition() == start);
  CHECK(ring.readAvailable() == 0);
  CHECK(ring.writeAvailable() == 8);

  // Three rounds of 7 push the positions well past 2^64.
  std::uint64_t expected = start;
  for (int round = 0; round < 3; ++round) {
    const auto in = positions(expected, 7);  // values wrap along with the positions
    REQUIRE(ring.push(in.data(), 7) == 7);
    CHECK(ring.readAvailable() == 7);
    CHECK(ring.writeAvailable() == 1);
    CHECK(ring.sizeApprox() == 7);
    std::uint64_t out[7];
    REQUIRE(ring.pop(out, 7) == 7);
    for (std::uint64_t v : out) CHECK(v == expected++);
  }
  CHECK(ring.writePosition() == start + 21);  // i.e. 15, after wrapping
  CHECK(ring.writePosition() == 15);
  CHECK(ring.readPosition() == 15);
  CHECK(ring.droppedItems() == 0);
}

TEST_CASE("SpscRing is full and empty at the right moments across the wrap") {
  const std::uint64_t start = kMax - 1;  // the wrap falls in the middle of the first fill
  SpscRing<std::uint64_t> ring(4, start);
  const auto in = positions(start, 6);
  CHECK(ring.push(in.data(), 6) == 4);
  CHECK(ring.droppedItems() == 2);
  CHECK(ring.writeAvailable() == 0);
  CHECK(ring.readAvailable() == 4);
  CHECK(ring.writePosition() == 2);  // start + 4 wrapped

  auto r = ring.readChunk(4);
  REQUIRE(r.size() == 4);
  // start & 3 == 2, so the read wraps in the buffer too.
  CHECK(r.first.size() == 2);
  CHECK(r.second.size() == 2);
  CHECK(r.first[0] == start);
  CHECK(r.first[1] == kMax);
  CHECK(r.second[0] == 0);
  CHECK(r.second[1] == 1);
  r.commit(4);
  CHECK(ring.readAvailable() == 0);
  CHECK(ring.writeAvailable() == 4);
}

TEST_CASE("SpscRing carries trivially copyable structs") {
  struct Frame {
    float left, right;
    std::uint16_t tag;
  };
  SpscRing<Frame> ring(3);
  const Frame in[3] = {{0.5f, -0.5f, 1}, {1.0f, 2.0f, 2}, {3.0f, 4.0f, 3}};
  REQUIRE(ring.push(in, 3) == 3);
  Frame out[3];
  REQUIRE(ring.pop(out, 3) == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(out[i].left == in[i].left);
    CHECK(out[i].right == in[i].right);
    CHECK(out[i].tag == in[i].tag);
  }
}
