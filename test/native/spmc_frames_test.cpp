// SpmcRing readers with a granularity (items per frame), single-threaded: every position a reader
// takes is a whole number of frames from where it started, the lags are rounded to whole frames,
// and losses stay exact. Includes the case that used to swap a stereo tap's channels (a resumeLag
// of an odd number of samples) and the one position that is not aligned by construction,
// intent - capacity, with a capacity that is not a whole number of frames.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "rt/spmc_ring.hpp"

namespace ringmix::rt {
// Holds the producer "mid-write": intent announced, nothing published yet. The real write() goes
// through this state on every batch; a single-threaded test can only reach it this way.
template <class T>
struct SpmcRingTestAccess {
  static void announce(SpmcRing<T>& ring, std::size_t n) {
    ring.intent_.store(ring.published_.load(std::memory_order_relaxed) + n,
                       std::memory_order_relaxed);
  }
};
}  // namespace ringmix::rt

using ringmix::rt::SpmcRing;

namespace {
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
using Ring = SpmcRing<std::uint64_t>;
using Access = ringmix::rt::SpmcRingTestAccess<std::uint64_t>;

// Items equal their position (so `lost` and alignment are checked by value). Whole frames of g.
void writeFrames(Ring& ring, std::size_t frames, std::size_t g) {
  std::vector<std::uint64_t> buf(frames * g);
  const std::uint64_t p = ring.writePosition();
  for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = p + i;
  ring.write(buf.data(), buf.size());
}

// Checks out[0..n) == first, first+1, ... and that the run is whole frames counted from origin.
void checkFrames(const std::uint64_t* out, std::size_t n, std::uint64_t first, std::uint64_t origin,
                 std::size_t g) {
  CHECK(n % g == 0);
  CHECK((first - origin) % g == 0);
  for (std::size_t i = 0; i < n; ++i) {
    CAPTURE(i);
    CHECK(out[i] == first + i);
  }
}
}  // namespace

TEST_CASE("SpmcRing reader rounds its lags to whole frames") {
  Ring ring(9602);  // a tap of 4801 stereo frames: capacity 16384 items
  REQUIRE(ring.capacity() == 16384);
  auto stereo = ring.reader(4801, 9602, 2);
  CHECK(stereo.granularity() == 2);
  CHECK(stereo.resumeLag() == 4800);
  CHECK(stereo.maxLag() == 9602);
  auto odd = ring.reader(4801, 9601, 2);
  CHECK(odd.maxLag() == 9600);
  CHECK(odd.resumeLag() == 4800);

  Ring small(8);  // capacity 8 is not a whole number of 3-item frames
  auto dflt = small.reader(0, 0, 3);
  CHECK(dflt.maxLag() == 6);  // 8 rounded down
  CHECK(dflt.resumeLag() == 3);
  auto tiny = small.reader(1, 1, 3);  // a non-zero lag never rounds to nothing: one frame
  CHECK(tiny.maxLag() == 3);
  CHECK(tiny.resumeLag() == 3);
  auto whole = small.reader(0, 3, 3);  // maxLag of one frame: half of it rounds up to the frame
  CHECK(whole.resumeLag() == 3);
  CHECK(small.reader(100, 100, 3).maxLag() == 6);
  CHECK(small.reader(0, 0, 0).granularity() == 1);  // 0 means item by item, as in SpscRing
  CHECK(small.reader(0, 0, 8).maxLag() == 8);
  CHECK_THROWS_AS(small.reader(0, 0, 9), std::invalid_argument);

  // Granularity 1 keeps the old behaviour exactly, including a zero default resumeLag.
  Ring one(1);
  CHECK(one.reader().resumeLag() == 0);
  CHECK(ring.reader(4801, 9602).resumeLag() == 4801);
}

TEST_CASE("SpmcRing stereo reader with odd lags never swaps channels across many dropouts") {
  // The tap's settings: capacityFrames 4801, so cap = 9602 samples, reader(cap / 2, cap).
  // Items encode (frame, channel); every item must sit at the channel its index says.
  constexpr std::size_t kCh = 2;
  SpmcRing<std::uint64_t> ring(4801 * kCh, kMax - 7000);
  auto reader = ring.reader(4801, 4801 * kCh, kCh);
  const std::uint64_t origin = ring.writePosition();
  std::uint64_t frame = 0;  // next frame the producer writes
  std::uint64_t nextFrame = 0;  // next frame the reader expects (after accounting for losses)
  std::uint64_t items = 0, lost = 0;
  std::vector<std::uint64_t> batch, out(20000);
  for (int round = 0; round < 400; ++round) {
    CAPTURE(round);
    // Batches of 1..3000 frames; the reader reads only every few rounds, so it is lapped often.
    const std::size_t frames = 1 + (static_cast<std::size_t>(round) * 7919) % 3000;
    batch.resize(frames * kCh);
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i] = ((frame + i / kCh) << 8) | (i % kCh);
    ring.write(batch.data(), batch.size());
    frame += frames;
    if (round % 5 != 4) continue;
    // Odd request sizes too: a read returns whole frames only.
    for (std::size_t want : {std::size_t{4801}, std::size_t{1}, std::size_t{20000}}) {
      const auto res = reader.read(out.data(), want);
      CHECK(res.items % kCh == 0);
      CHECK(res.lost % kCh == 0);
      CHECK(res.items <= want);
      nextFrame += res.lost / kCh;
      for (std::size_t i = 0; i < res.items; ++i) {
        CAPTURE(i);
        REQUIRE((out[i] & 0xff) == i % kCh);  // channel parity matches the index
        REQUIRE((out[i] >> 8) == nextFrame + i / kCh);
      }
      nextFrame += res.items / kCh;
      items += res.items;
      lost += res.lost;
      CHECK((reader.position() - origin) % kCh == 0);
    }
  }
  CHECK(reader.dropouts() > 20);
  CHECK(reader.lostItems() == lost);
  // Exact bookkeeping: everything written was read or counted lost, position by position.
  while (reader.lag() > 0) {
    const auto res = reader.read(out.data(), out.size());
    items += res.items;
    lost += res.lost;
  }
  CHECK(items + lost == frame * kCh);
  CHECK(reader.position() - origin == frame * kCh);
}

TEST_CASE("SpmcRing a read smaller than a frame reads nothing but still accounts for a lap") {
  Ring ring(8);
  auto r = ring.reader(0, 0, 3);  // maxLag 6, resumeLag 3
  writeFrames(ring, 5, 3);         // 15 items: lapped
  std::uint64_t out[8];
  auto res = r.read(out, 2);
  CHECK(res.items == 0);
  CHECK(res.lost == 12);
  CHECK(r.position() == 12);
  res = r.read(out, 5);  // 5 asked: one whole frame
  CHECK(res.lost == 0);
  REQUIRE(res.items == 3);
  checkFrames(out, res.items, 12, 0, 3);
  CHECK(r.lag() == 0);
}

TEST_CASE("SpmcRing granularity 3: a lap by maxLag resumes on a frame, with exact loss") {
  for (std::uint64_t start : {std::uint64_t{0}, kMax - 10, kMax - 11, kMax - 12}) {
    CAPTURE(start);  // 2^64 is not a multiple of 3: alignment is relative to the reader's start
    Ring ring(16, start);
    auto r = ring.reader(7, 14, 3);  // resumeLag 6, maxLag 12
    const std::uint64_t origin = r.position();
    std::uint64_t out[32];
    writeFrames(ring, 4, 3);  // 12 behind: not lapped
    auto res = r.read(out, 32);
    CHECK(res.lost == 0);
    REQUIRE(res.items == 12);
    checkFrames(out, res.items, origin, origin, 3);
    writeFrames(ring, 5, 3);  // 15 behind: lapped, resumes 6 behind the newest
    res = r.read(out, 32);
    CHECK(res.lost == 9);
    REQUIRE(res.items == 6);
    checkFrames(out, res.items, origin + 21, origin, 3);
    CHECK(r.dropouts() == 1);
    CHECK(r.lostItems() == 9);
  }
}

TEST_CASE("SpmcRing granularity 3: the oldest-safe clamp rounds up to the next frame") {
  // Capacity 16 holds 5 frames and one item. While the producer is mid-batch, the items it may be
  // overwriting start at intent - 16, which is not a frame boundary.
  for (std::uint64_t start : {std::uint64_t{0}, kMax - 4}) {
    CAPTURE(start);
    std::uint64_t out[32];
    {
      Ring ring(16, start);
      auto r = ring.reader(15, 0, 3);  // resumeLag 15, maxLag 15
      writeFrames(ring, 5, 3);          // pub = start + 15
      Access::announce(ring, 6);        // two frames in flight: intent - 16 = start + 5
      auto res = r.read(out, 32);
      // The copy of [start, start + 15) overlaps what the producer may be overwriting: discarded.
      // The clamp lands on start + 5, mid-frame; the reader resumes at start + 6 instead.
      CHECK(res.lost == 6);
      REQUIRE(res.items == 9);
      checkFrames(out, res.items, start + 6, start, 3);
      CHECK(r.dropouts() == 1);
      writeFrames(ring, 2, 3);  // the announced batch completes
      res = r.read(out, 32);
      CHECK(res.lost == 0);
      REQUIRE(res.items == 6);
      checkFrames(out, res.items, start + 15, start, 3);
    }
    {
      // Rounding up would pass pub: the reader stops at pub, itself a frame boundary.
      Ring ring(16, start);
      auto r = ring.reader(15, 0, 3);
      writeFrames(ring, 5, 3);
      Access::announce(ring, 15);  // intent - 16 = start + 14, rounds up to start + 15 == pub
      auto res = r.read(out, 32);
      CHECK(res.lost == 15);
      CHECK(res.items == 0);
      CHECK(r.position() == start + 15);
      writeFrames(ring, 5, 3);
      res = r.read(out, 32);
      CHECK(res.lost == 0);
      REQUIRE(res.items == 15);
      checkFrames(out, res.items, start + 15, start, 3);
    }
    {
      // A batch larger than the ring in flight: intent - 16 is past pub, so the reader waits at
      // pub; when the batch lands, the part of it the ring could not hold counts as lost and the
      // reader resumes on a frame within the surviving items.
      Ring ring(16, start);
      auto r = ring.reader(15, 0, 3);
      writeFrames(ring, 5, 3);
      Access::announce(ring, 18);  // intent - 16 = start + 17 > pub
      auto res = r.read(out, 32);
      CHECK(res.lost == 15);
      CHECK(res.items == 0);
      writeFrames(ring, 6, 3);  // 18 items: only the newest 16 are stored (from start + 17)
      res = r.read(out, 32);
      CHECK(res.lost == 3);     // lapped: resumes 15 behind the newest, past the torn frame
      REQUIRE(res.items == 15);
      checkFrames(out, res.items, start + 18, start, 3);
    }
  }
}

TEST_CASE("SpmcRing granularity: a write larger than the ring resumes on a frame") {
  // 3 channels, capacity 8: the newest 8 items of a 12-item batch start mid-frame (at 4); the
  // reader must resume at 6, not 4.
  Ring ring(8);
  auto keep = ring.reader(8, 0, 3);  // resumeLag and maxLag 6
  writeFrames(ring, 4, 3);
  std::uint64_t out[16];
  auto res = keep.read(out, 16);
  CHECK(res.lost == 6);
  REQUIRE(res.items == 6);
  checkFrames(out, res.items, 6, 0, 3);
}
