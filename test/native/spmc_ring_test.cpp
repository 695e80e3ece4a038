// SpmcRing, single-threaded: where readers start, exact loss accounting after a lap, resumeLag,
// oversized writes and the 2^64 wrap. Items equal their position, so "which items did I get" is
// checked directly, not inferred.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "rt/spmc_ring.hpp"

using ringmix::rt::SpmcRing;

namespace {
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
using Ring = SpmcRing<std::uint64_t>;

// Appends n items, each equal to its position, in batches of `batch`.
void writePositions(Ring& ring, std::size_t n, std::size_t batch = 1) {
  std::vector<std::uint64_t> buf(batch);
  while (n > 0) {
    const std::size_t k = n < batch ? n : batch;
    const std::uint64_t p = ring.writePosition();
    for (std::size_t i = 0; i < k; ++i) buf[i] = p + i;
    ring.write(buf.data(), k);
    n -= k;
  }
}

// Checks out[0..items) == first, first+1, ...
void checkRun(const std::uint64_t* out, std::size_t items, std::uint64_t first) {
  for (std::size_t i = 0; i < items; ++i) {
    CAPTURE(i);
    CHECK(out[i] == first + i);
  }
}
}  // namespace

TEST_CASE("SpmcRing reader starts at the current write position") {
  Ring ring(8);
  writePositions(ring, 5);
  auto r = ring.reader();
  CHECK(r.position() == 5);
  CHECK(r.lag() == 0);
  std::uint64_t out[8];
  auto res = ring.reader().read(out, 8);  // a fresh reader sees nothing written before it existed
  CHECK(res.items == 0);
  CHECK(res.lost == 0);

  writePositions(ring, 3);
  CHECK(r.lag() == 3);
  res = r.read(out, 8);
  CHECK(res.items == 3);
  CHECK(res.lost == 0);
  checkRun(out, res.items, 5);
  CHECK(r.position() == 8);
  CHECK(r.lag() == 0);
  CHECK(r.dropouts() == 0);
  CHECK(r.lostItems() == 0);
}

TEST_CASE("SpmcRing readers each receive every item independently") {
  Ring ring(16);
  auto a = ring.reader();
  auto b = ring.reader();
  auto c = ring.reader();
  writePositions(ring, 6, 4);
  std::uint64_t out[16];

  auto ra = a.read(out, 16);
  CHECK(ra.items == 6);
  checkRun(out, ra.items, 0);
  // a reading everything does not consume anything for b and c.
  auto rb = b.read(out, 2);
  CHECK(rb.items == 2);
  checkRun(out, rb.items, 0);
  rb = b.read(out, 16);
  CHECK(rb.items == 4);
  checkRun(out, rb.items, 2);
  CHECK(c.lag() == 6);
  auto rc = c.read(out, 16);
  CHECK(rc.items == 6);
  CHECK(rc.lost == 0);
  checkRun(out, rc.items, 0);
}

TEST_CASE("SpmcRing reader with lag equal to capacity is not lapped") {
  Ring ring(8);
  auto r = ring.reader();
  writePositions(ring, 8);
  std::uint64_t out[8];
  auto res = r.read(out, 8);
  CHECK(res.items == 8);
  CHECK(res.lost == 0);
  checkRun(out, 8, 0);
  CHECK(r.dropouts() == 0);
}

TEST_CASE("SpmcRing lapped reader reports exact loss and resumes at capacity/2 by default") {
  Ring ring(8);
  auto r = ring.reader();
  writePositions(ring, 20, 5);
  CHECK(r.lag() == 20);  // lag may exceed capacity: it counts what the reader missed
  std::uint64_t out[32];
  auto res = r.read(out, 32);
  CHECK(res.lost == 16);  // resumes 4 (= 8/2) behind the newest item
  REQUIRE(res.items == 4);
  checkRun(out, res.items, 16);  // continues exactly at old position + lost
  CHECK(r.position() == 20);
  CHECK(r.dropouts() == 1);
  CHECK(r.lostItems() == 16);
  res = r.read(out, 32);
  CHECK(res.items == 0);
  CHECK(res.lost == 0);
}

TEST_CASE("SpmcRing lap by one item") {
  Ring ring(8);
  auto r = ring.reader();
  writePositions(ring, 9);
  std::uint64_t out[16];
  auto res = r.read(out, 16);
  CHECK(res.lost == 5);
  CHECK(res.items == 4);
  checkRun(out, res.items, 5);
}

TEST_CASE("SpmcRing resumeLag chooses how much history a lapped reader keeps") {
  Ring ring(8);
  auto two = ring.reader(2);
  auto full = ring.reader(8);
  auto clamped = ring.reader(100);  // more than capacity: clamped to capacity
  writePositions(ring, 20, 3);
  std::uint64_t out[32];

  auto res = two.read(out, 32);
  CHECK(res.lost == 18);
  CHECK(res.items == 2);
  checkRun(out, res.items, 18);

  res = full.read(out, 32);
  CHECK(res.lost == 12);
  CHECK(res.items == 8);
  checkRun(out, res.items, 12);

  res = clamped.read(out, 32);
  CHECK(res.lost == 12);
  CHECK(res.items == 8);
  checkRun(out, res.items, 12);
}

TEST_CASE("SpmcRing maxLag makes a reader count as lapped before the ring wraps") {
  Ring ring(16);
  auto dflt = ring.reader(0, 8);    // limit 8, resume 8/2 = 4 behind the newest
  auto two = ring.reader(2, 8);
  auto big = ring.reader(100, 8);   // resumeLag clamped to maxLag
  auto wide = ring.reader(0, 100);  // maxLag clamped to capacity (16), resume 8
  auto exact = ring.reader(0, 8);
  std::uint64_t out[32];

  writePositions(ring, 8);
  auto res = exact.read(out, 32);  // exactly maxLag behind: not lapped
  CHECK(res.lost == 0);
  CHECK(res.items == 8);
  checkRun(out, res.items, 0);

  writePositions(ring, 4);  // 12 written: the other readers are 12 behind, 4 over maxLag 8
  res = dflt.read(out, 32);
  CHECK(res.lost == 8);
  CHECK(res.items == 4);
  checkRun(out, res.items, 8);
  CHECK(dflt.dropouts() == 1);

  res = two.read(out, 32);
  CHECK(res.lost == 10);
  CHECK(res.items == 2);
  checkRun(out, res.items, 10);

  res = big.read(out, 32);
  CHECK(res.lost == 4);
  CHECK(res.items == 8);
  checkRun(out, res.items, 4);

  res = wide.read(out, 32);  // 12 <= 16: the plain capacity rule applies, nothing lost
  CHECK(res.lost == 0);
  CHECK(res.items == 12);
  writePositions(ring, 20);  // now 20 behind
  res = wide.read(out, 32);
  CHECK(res.lost == 12);
  CHECK(res.items == 8);
  checkRun(out, res.items, 24);
}

TEST_CASE("SpmcRing lapped read with a small maxItems continues on the next read") {
  Ring ring(8);
  auto r = ring.reader();
  writePositions(ring, 20);
  std::uint64_t out[4];
  auto res = r.read(out, 2);
  CHECK(res.lost == 16);
  REQUIRE(res.items == 2);
  checkRun(out, 2, 16);
  res = r.read(out, 4);
  CHECK(res.lost == 0);
  REQUIRE(res.items == 2);
  checkRun(out, 2, 18);
}

TEST_CASE("SpmcRing read with maxItems 0 still accounts for a lap") {
  Ring ring(8);
  auto r = ring.reader();
  writePositions(ring, 20);
  std::uint64_t out[8];
  auto res = r.read(out, 0);
  CHECK(res.items == 0);
  CHECK(res.lost == 16);
  CHECK(r.position() == 16);
  res = r.read(out, 8);
  CHECK(res.lost == 0);
  CHECK(res.items == 4);
  checkRun(out, res.items, 16);
}

TEST_CASE("SpmcRing write larger than capacity keeps only the newest items") {
  Ring ring(4);
  auto half = ring.reader();    // default resumeLag 2
  auto whole = ring.reader(4);  // keeps all 4 surviving items
  std::vector<std::uint64_t> data(10);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = i;
  ring.write(data.data(), data.size());
  CHECK(ring.writePosition() == 10);

  std::uint64_t out[16];
  auto res = half.read(out, 16);
  CHECK(res.lost == 8);
  CHECK(res.items == 2);
  checkRun(out, res.items, 8);

  res = whole.read(out, 16);
  CHECK(res.lost == 6);
  CHECK(res.items == 4);
  checkRun(out, res.items, 6);  // the stored items are the last 4 of the batch

  // A reader that joins after the big write starts after it and sees the next batch in full.
  auto late = ring.reader();
  writePositions(ring, 3);
  res = late.read(out, 16);
  CHECK(res.lost == 0);
  CHECK(res.items == 3);
  checkRun(out, res.items, 10);
}

TEST_CASE("SpmcRing write of zero items changes nothing") {
  Ring ring(4);
  auto r = ring.reader();
  ring.write(nullptr, 0);
  CHECK(ring.writePosition() == 0);
  std::uint64_t out[4];
  CHECK(r.read(out, 4).items == 0);
}

TEST_CASE("SpmcRing capacity 1") {
  Ring ring(1);
  auto keep = ring.reader(1);
  auto dflt = ring.reader();  // default resumeLag is capacity/2 == 0: resume at the newest position
  writePositions(ring, 3);
  std::uint64_t out[4];
  auto res = keep.read(out, 4);
  CHECK(res.lost == 2);
  REQUIRE(res.items == 1);
  CHECK(out[0] == 2);
  res = dflt.read(out, 4);
  CHECK(res.lost == 3);
  CHECK(res.items == 0);
  writePositions(ring, 1);
  res = dflt.read(out, 4);
  CHECK(res.lost == 0);
  REQUIRE(res.items == 1);
  CHECK(out[0] == 3);
}

TEST_CASE("SpmcRing start position near UINT64_MAX crosses the wrap") {
  const std::uint64_t start = kMax - 5;
  Ring ring(8, start);
  CHECK(ring.writePosition() == start);
  auto r = ring.reader();
  CHECK(r.position() == start);
  std::uint64_t out[16];

  writePositions(ring, 6, 4);  // start .. kMax
  auto res = r.read(out, 16);
  CHECK(res.items == 6);
  checkRun(out, res.items, start);
  CHECK(out[5] == kMax);

  writePositions(ring, 6, 4);  // 0 .. 5
  CHECK(r.lag() == 6);
  res = r.read(out, 16);
  CHECK(res.items == 6);
  CHECK(res.lost == 0);
  checkRun(out, res.items, 0);
  CHECK(r.position() == 6);

  writePositions(ring, 20, 7);  // lap across nothing special, but with wrapped positions
  res = r.read(out, 16);
  CHECK(res.lost == 16);
  CHECK(res.items == 4);
  checkRun(out, res.items, 22);
}

TEST_CASE("SpmcRing lap that straddles the wrap") {
  const std::uint64_t start = kMax - 2;
  Ring ring(4, start);
  auto r = ring.reader();
  writePositions(ring, 11, 3);  // positions kMax-2 .. 7
  std::uint64_t out[8];
  auto res = r.read(out, 8);
  CHECK(res.lost == 9);  // from kMax-2 to 6 (2 behind the newest, 8) is 9 items
  REQUIRE(res.items == 2);
  checkRun(out, res.items, 6);
}

TEST_CASE("SpmcRing readers can be created and dropped at any time") {
  Ring ring(16);
  const Ring& view = ring;  // creating a reader needs only const access to the ring
  struct Tracked {
    Ring::Reader reader;
    std::uint64_t start;
    std::uint64_t items;
  };
  std::vector<Tracked> readers;
  std::uint64_t out[64];
  for (int round = 0; round < 50; ++round) {
    readers.push_back(Tracked{view.reader(), ring.writePosition(), 0});
    writePositions(ring, static_cast<std::size_t>(round % 7));
    if (round % 3 == 2) readers.erase(readers.begin());  // drop the oldest now and then
    // Every live reader sees exactly what was written since it was created, or an exact lap.
    for (std::size_t i = 0; i < readers.size(); ++i) {
      CAPTURE(round);
      CAPTURE(i);
      auto& t = readers[i];
      const std::uint64_t before = t.reader.position();
      auto res = t.reader.read(out, i % 2 == 0 ? 64 : 3);
      checkRun(out, res.items, before + res.lost);
      t.items += res.items;
      CHECK(t.reader.position() - t.start == t.items + t.reader.lostItems());
    }
  }
  // Drain: every reader ends at the write position with items + lost == written since it started.
  for (auto& t : readers) {
    while (t.reader.lag() > 0) t.items += t.reader.read(out, 64).items;
    CHECK(t.items + t.reader.lostItems() == ring.writePosition() - t.start);
  }
}

TEST_CASE("SpmcRing carries small structs") {
  // alignas(8): see spmc_support.hpp (clang needs it to keep atomic_ref inline).
  struct alignas(8) Tagged {
    std::uint32_t pos;
    std::uint32_t check;
  };
  SpmcRing<Tagged> ring(4);
  auto r = ring.reader(4);
  for (std::uint32_t p = 0; p < 10; ++p) {
    const Tagged t{p, ~p};
    ring.write(&t, 1);
  }
  Tagged out[8];
  auto res = r.read(out, 8);
  CHECK(res.lost == 6);
  REQUIRE(res.items == 4);
  for (std::uint32_t i = 0; i < 4; ++i) {
    CHECK(out[i].pos == 6 + i);
    CHECK(out[i].check == ~(6 + i));
  }
}
