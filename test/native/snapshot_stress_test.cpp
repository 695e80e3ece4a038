// Snapshot: one writer publishes values whose every field is derived from one counter k, while
// readers read continuously. A torn read (fields from two publishes) breaks the derivation. Each
// reader also checks that neither k nor version() ever goes backwards, and that the k it read lies
// between the versions sampled just before and just after the read.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "rt/snapshot.hpp"
#include "stress_support.hpp"

using ringmix::rt::Snapshot;
using namespace ringmix::test;

namespace {
// 36 bytes (not a multiple of 8): the last 64-bit word is half payload, half padding.
// Every field is 0 when k == 0, so the zeroed initial value is consistent too.
struct Odd {
  std::uint32_t k;
  std::uint32_t a[7];
  std::uint8_t tail[3];

  static Odd make(std::uint64_t k64) {
    Odd p{};
    const auto k = static_cast<std::uint32_t>(k64);
    p.k = k;
    for (std::uint32_t i = 0; i < 7; ++i) p.a[i] = k * i + k;
    for (std::uint32_t j = 0; j < 3; ++j) p.tail[j] = static_cast<std::uint8_t>(k * (j + 2));
    return p;
  }
  bool consistent() const {
    for (std::uint32_t i = 0; i < 7; ++i)
      if (a[i] != k * i + k) return false;
    for (std::uint32_t j = 0; j < 3; ++j)
      if (tail[j] != static_cast<std::uint8_t>(k * (j + 2))) return false;
    return true;
  }
  std::uint64_t counter() const { return k; }
};
static_assert(sizeof(Odd) == 36);

// 80 bytes of 64-bit fields: more words, so a longer window for a reader to overlap a publish.
struct Wide {
  std::uint64_t k;
  std::uint64_t a[9];

  static Wide make(std::uint64_t k) {
    Wide p{};
    p.k = k;
    for (std::uint64_t i = 0; i < 9; ++i) p.a[i] = k * (2 * i + 3) + (k << 32);
    return p;
  }
  bool consistent() const {
    for (std::uint64_t i = 0; i < 9; ++i)
      if (a[i] != k * (2 * i + 3) + (k << 32)) return false;
    return true;
  }
  std::uint64_t counter() const { return k; }
};

// 1 KiB: a reader's copy takes long enough that publishes regularly land in the middle of it,
// which is what the sequence re-check must catch.
struct Big {
  std::uint64_t k;
  std::uint64_t a[127];

  static Big make(std::uint64_t k) {
    Big p{};
    p.k = k;
    for (std::uint64_t i = 0; i < 127; ++i) p.a[i] = k * (i + 1);
    return p;
  }
  bool consistent() const {
    for (std::uint64_t i = 0; i < 127; ++i)
      if (a[i] != k * (i + 1)) return false;
    return true;
  }
  std::uint64_t counter() const { return k; }
};

template <class T>
void run(std::uint64_t publishes, int readers) {
  CAPTURE(publishes);
  Snapshot<T> snap;  // version 0 holds a zeroed T, which equals make(0)
  FailureLog log;
  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> torn{0};

  auto check = [&](const T& v, std::uint64_t vBefore, std::uint64_t vAfter, std::uint64_t& lastK) {
    if (!v.consistent()) {
      log.fail("inconsistent snapshot at k = " + std::to_string(v.counter()));
      return false;
    }
    // The value read was the latest complete publish at some instant during the read.
    if (v.counter() < vBefore || v.counter() > vAfter) {
      log.fail("k " + std::to_string(v.counter()) + " outside versions [" +
               std::to_string(vBefore) + ", " + std::to_string(vAfter) + "]");
      return false;
    }
    if (v.counter() < lastK) {
      log.fail("k went backwards");
      return false;
    }
    lastK = v.counter();
    return true;
  };

  std::vector<std::thread> threads;
  for (int r = 0; r < readers; ++r)
    threads.emplace_back([&, r] {
      const bool useTryRead = r == 0;  // one reader exercises the single-attempt API
      Rng rng(static_cast<std::uint64_t>(r) + 5);
      std::uint64_t lastK = 0, lastVersion = 0, failedTries = 0;
      for (;;) {
        const bool finished = done.load(std::memory_order_acquire);
        const std::uint64_t v1 = snap.version();
        if (v1 < lastVersion) {
          log.fail("version went backwards");
          return;
        }
        lastVersion = v1;
        T value;
        if (useTryRead) {
          if (!snap.tryRead(value)) {
            ++failedTries;
            continue;
          }
        } else {
          value = snap.read();
        }
        const std::uint64_t v2 = snap.version();
        if (!check(value, v1, v2, lastK)) return;
        if (finished) {
          expectEq(log, "final value", value.counter(), publishes);
          break;
        }
        if (rng.oneIn(8)) idle();
      }
      torn.fetch_add(failedTries);
    });

  std::thread writer([&] {
    Rng rng(1);
    for (std::uint64_t k = 1; k <= publishes && !log.failed(); ++k) {
      snap.publish(T::make(k));
      if (rng.oneIn(16)) idle();
    }
    done.store(true, std::memory_order_release);
  });
  writer.join();
  for (auto& t : threads) t.join();

  INFO(log.message());
  REQUIRE_FALSE(log.failed());
  CHECK(snap.version() == publishes);
  CHECK(snap.read().counter() == publishes);
  MESSAGE("tryRead refused " << torn.load() << " overlapping reads");
}
}  // namespace

TEST_CASE("Snapshot stress 36-byte struct, three readers") { run<Odd>(iterations(1'000'000), 3); }

TEST_CASE("Snapshot stress 80-byte struct, two readers") { run<Wide>(iterations(1'000'000), 2); }

TEST_CASE("Snapshot stress 1 KiB struct, two readers") { run<Big>(iterations(150'000), 2); }
