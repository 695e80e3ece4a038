// Snapshot, single-threaded: round trips for payloads of awkward sizes (the seqlock stores T as
// 64-bit words, so sizes that are not multiples of 8 exercise the padding of the last word) and
// version counting.
#include <doctest/doctest.h>

#include <cstdint>

#include "rt/snapshot.hpp"

using ringmix::rt::Snapshot;

namespace {
struct Metrics {  // 36 bytes: 4 full words and a half-used fifth
  std::uint32_t cycles;
  float load;
  std::uint32_t xruns;
  std::uint32_t values[6];
};
static_assert(sizeof(Metrics) == 36);

struct Tiny {  // 3 bytes: less than one word
  std::uint8_t a, b, c;
};
static_assert(sizeof(Tiny) == 3);

struct Wide {  // 72 bytes of doubles and a trailing 4-byte field: 76 -> padded to 80 (10 words)
  double d[9];
  std::uint32_t tail;
};
}  // namespace

TEST_CASE("Snapshot default state is version 0 with a zeroed value") {
  Snapshot<Metrics> s;
  CHECK(s.version() == 0);
  const Metrics m = s.read();
  CHECK(m.cycles == 0);
  CHECK(m.load == 0.0f);
  CHECK(m.values[5] == 0);
  Metrics t{};
  CHECK(s.tryRead(t));
}

TEST_CASE("Snapshot constructed with an initial value has version 1") {
  Snapshot<Tiny> s(Tiny{1, 2, 3});
  CHECK(s.version() == 1);
  const Tiny t = s.read();
  CHECK(t.a == 1);
  CHECK(t.b == 2);
  CHECK(t.c == 3);
}

TEST_CASE("Snapshot publish then read round-trips a 36-byte struct") {
  Snapshot<Metrics> s;
  for (std::uint32_t k = 1; k <= 20; ++k) {
    Metrics m{};
    m.cycles = k;
    m.load = 0.25f * static_cast<float>(k);
    m.xruns = k * 3;
    for (std::uint32_t i = 0; i < 6; ++i) m.values[i] = k * 1000 + i;
    s.publish(m);
    CHECK(s.version() == k);  // one per completed publish

    Metrics got{};
    REQUIRE(s.tryRead(got));  // no writer is mid-publish, so one attempt must succeed
    CHECK(got.cycles == k);
    CHECK(got.load == m.load);
    CHECK(got.xruns == k * 3);
    for (std::uint32_t i = 0; i < 6; ++i) CHECK(got.values[i] == k * 1000 + i);
    CHECK(s.read().values[5] == k * 1000 + 5);
  }
}

TEST_CASE("Snapshot round-trips a sub-word struct and a multi-word struct") {
  Snapshot<Tiny> tiny;
  tiny.publish(Tiny{0xAB, 0xCD, 0xEF});
  const Tiny t = tiny.read();
  CHECK(t.a == 0xAB);
  CHECK(t.b == 0xCD);
  CHECK(t.c == 0xEF);

  Snapshot<Wide> wide;
  Wide w{};
  for (int i = 0; i < 9; ++i) w.d[i] = 1.5 * i - 3.0;
  w.tail = 0xDEADBEEF;
  wide.publish(w);
  wide.publish(w);
  CHECK(wide.version() == 2);
  const Wide r = wide.read();
  for (int i = 0; i < 9; ++i) CHECK(r.d[i] == 1.5 * i - 3.0);
  CHECK(r.tail == 0xDEADBEEF);
}
