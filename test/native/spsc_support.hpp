// Shared by the single-threaded SpscRing tests: items that equal their position, so every wrong
// slot or off-by-one is visible in the values.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace ringmix::test {

inline constexpr std::uint64_t kMaxPosition = std::numeric_limits<std::uint64_t>::max();

inline std::vector<std::uint64_t> positions(std::uint64_t first, std::size_t n) {
  std::vector<std::uint64_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = first + i;
  return v;
}

// Checks out[0..n) == first, first+1, ...
inline void checkRunEq(const std::uint64_t* out, std::size_t n, std::uint64_t first) {
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

}  // namespace ringmix::test
