// Capacity rounding, shared by every ring: checked directly and through each constructor, since a
// constructor that forgot to round would break the `position & mask` slot arithmetic.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

#include "rt/cache_line.hpp"
#include "rt/event_queue.hpp"
#include "rt/spmc_ring.hpp"
#include "rt/spsc_ring.hpp"

using ringmix::rt::EventQueue;
using ringmix::rt::roundUpPow2;
using ringmix::rt::SpmcRing;
using ringmix::rt::SpscRing;

TEST_CASE("roundUpPow2 rounds up to the next power of two") {
  CHECK(roundUpPow2(1) == 1);
  CHECK(roundUpPow2(2) == 2);
  CHECK(roundUpPow2(3) == 4);
  CHECK(roundUpPow2(5) == 8);
  CHECK(roundUpPow2(1000) == 1024);
  CHECK(roundUpPow2(1024) == 1024);
  CHECK(roundUpPow2(1025) == 2048);
  const std::size_t top = std::size_t{1} << (sizeof(std::size_t) * 8 - 2);
  CHECK(roundUpPow2(top) == top);
  CHECK(roundUpPow2(top - 1) == top);
}

TEST_CASE("roundUpPow2 rejects zero and unrepresentable sizes") {
  CHECK_THROWS_AS(roundUpPow2(0), std::invalid_argument);
  const std::size_t top = std::size_t{1} << (sizeof(std::size_t) * 8 - 2);
  CHECK_THROWS_AS(roundUpPow2(top + 1), std::length_error);
  CHECK_THROWS_AS(roundUpPow2(std::numeric_limits<std::size_t>::max()), std::length_error);
}

TEST_CASE("ring constructors round their capacity") {
  for (auto [asked, got] : {std::pair<std::size_t, std::size_t>{1, 1}, {3, 4}, {1000, 1024}}) {
    CAPTURE(asked);
    CHECK(SpscRing<std::uint64_t>(asked).capacity() == got);
    CHECK(SpmcRing<std::uint64_t>(asked).capacity() == got);
    CHECK(EventQueue<std::uint64_t>(asked).capacity() == got);
  }
}

TEST_CASE("ring constructors throw on zero capacity before allocating") {
  CHECK_THROWS_AS(SpscRing<std::uint64_t>(0), std::invalid_argument);
  CHECK_THROWS_AS(SpmcRing<std::uint64_t>(0), std::invalid_argument);
  CHECK_THROWS_AS(EventQueue<std::uint64_t>(0), std::invalid_argument);
  // Too large must fail in roundUpPow2, not as a giant allocation.
  const std::size_t huge = std::numeric_limits<std::size_t>::max();
  CHECK_THROWS_AS(SpscRing<std::uint64_t>{huge}, std::length_error);
  CHECK_THROWS_AS(SpmcRing<std::uint64_t>{huge}, std::length_error);
}
