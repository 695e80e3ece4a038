// The gated measures of a loudness meter, over everything since a reset, in fixed memory:
//   IntegratedGate: programme loudness, ITU-R BS.1770-4 section 2.8 (400 ms blocks, absolute gate
//                   -70 LUFS, relative gate 10 LU below the loudness of the blocks above it).
//   RangeGate:      loudness range, EBU Tech 3342 (short-term values, absolute gate -70 LUFS,
//                   relative gate 20 LU below, the spread from the 10th to the 95th percentile).
//
// Storing every block would grow without bound, so each keeps a histogram of loudness in bins of
// kBinLu = 0.01 LU from -70 to +30 LUFS (10,000 bins; louder values count in the top bin). What
// the histogram loses is only where a value sits inside its bin:
//   - Each gate's threshold comes from exact running sums (the absolute gate is applied to every
//     value exactly on arrival), and IntegratedGate keeps each bin's exact sum of energies. Every
//     bin above the relative gate counts whole, the bin the gate falls in counts in proportion to
//     its part above it. So the integrated loudness is exactly BS.1770's except for the blocks in
//     that one bin (within 0.01 LU of the gate), and exact for those too when they spread evenly
//     across it. Worst case, all of them fall on the wrong side of the gate: each such block, with
//     n blocks above the gate, moves the result by at most 10 log10(1 + 1/n) ~ 4.3/n LU (a block at
//     the gate carries a tenth or less of the mean's energy), e.g. 0.007 LU per block after a
//     minute of programme (n ~ 600), 0.0001 LU after an hour.
//   - The range reads its two percentiles as bin centres: each within 0.005 LU, the range within
//     0.01 LU; its relative gate classifies by bin centre (blocks within 0.005 LU of it may count
//     on the wrong side, which moves the percentiles' ranks by as many values).
// Bins are Fenwick trees (binary indexed), so adding a value and every query cost O(log bins)
// (14 steps), whatever the programme's length: nothing is ever scanned.
//
// Memory: 160 KB (IntegratedGate: counts and energies) and 80 KB (RangeGate: counts), inline.
// Real-time code: no allocation; reset() clears the arrays (~240 KB of stores, a few µs).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace ringmix::engine {

namespace loudness {

inline constexpr double kOffset = -0.691;  // BS.1770: L = -0.691 + 10 log10(weighted mean square)
inline constexpr double kAbsoluteGate = -70.0;
inline constexpr double kBinLu = 0.01;
inline constexpr double kTop = 30.0;
inline constexpr std::size_t kBins = 10000;  // (kTop - kAbsoluteGate) / kBinLu

inline double toLufs(double meanSquare) noexcept {
  return meanSquare > 0.0 ? kOffset + 10.0 * std::log10(meanSquare) : -std::numeric_limits<double>::infinity();
}
inline double toMeanSquare(double lufs) noexcept { return std::pow(10.0, (lufs - kOffset) / 10.0); }

// Bin of a loudness above the absolute gate.
inline std::size_t binOf(double lufs) noexcept {
  const double b = std::floor((lufs - kAbsoluteGate) / kBinLu);
  if (!(b >= 0.0)) return 0;
  return b >= static_cast<double>(kBins) ? kBins - 1 : static_cast<std::size_t>(b);
}
inline double binFloor(std::size_t bin) noexcept { return kAbsoluteGate + static_cast<double>(bin) * kBinLu; }
inline double binCentre(std::size_t bin) noexcept { return binFloor(bin) + 0.5 * kBinLu; }
// First bin whose centre lies above a threshold; the top bin (open-ended) at most.
inline std::size_t firstBinAbove(double lufs) noexcept {
  const double b = std::floor((lufs - kAbsoluteGate) / kBinLu - 0.5) + 1.0;
  if (!(b >= 0.0)) return 0;
  return b >= static_cast<double>(kBins - 1) ? kBins - 1 : static_cast<std::size_t>(b);
}

// Prefix sums over kBins values with O(log n) update and query.
template <typename T>
class Fenwick {
 public:
  void clear() noexcept { tree_.fill(T{}); }
  void add(std::size_t i, T v) noexcept {
    for (std::size_t j = i + 1; j <= kBins; j += j & (~j + 1)) tree_[j] += v;
  }
  // Sum over bins [0, i).
  T prefix(std::size_t i) const noexcept {
    T s{};
    for (std::size_t j = i; j > 0; j -= j & (~j + 1)) s += tree_[j];
    return s;
  }
  // Smallest bin b with prefix(b + 1) > k, for counts: the bin of the k-th smallest value (0-based).
  std::size_t select(T k) const noexcept {
    std::size_t pos = 0;
    for (std::size_t step = std::size_t{1} << 13; step > 0; step >>= 1) {  // 2^13 < kBins < 2^14
      const std::size_t next = pos + step;
      if (next <= kBins && tree_[next] <= k) {
        pos = next;
        k -= tree_[next];
      }
    }
    return pos < kBins ? pos : kBins - 1;
  }

 private:
  static_assert(kBins < (std::size_t{1} << 14));
  std::array<T, kBins + 1> tree_{};  // 1-based
};

}  // namespace loudness

class IntegratedGate {
 public:
  static constexpr double kRelativeGate = -10.0;

  void reset() noexcept {
    counts_.clear();
    energies_.clear();
    count_ = 0;
    energy_ = 0.0;
  }

  // One 400 ms block's weighted mean square.
  void add(double meanSquare) noexcept {
    const double l = loudness::toLufs(meanSquare);
    if (!(l > loudness::kAbsoluteGate)) return;
    const std::size_t b = loudness::binOf(l);
    counts_.add(b, 1);
    energies_.add(b, meanSquare);
    ++count_;
    energy_ += meanSquare;
  }

  // LUFS; -Infinity until a block passes both gates.
  double loudness() const noexcept {
    if (count_ == 0) return -std::numeric_limits<double>::infinity();
    const double gate = loudness::toLufs(energy_ / static_cast<double>(count_)) + kRelativeGate;
    // Bins wholly above the gate count whole; the bin the gate falls in counts in proportion to
    // its part above the gate (exact when its blocks spread evenly across its 0.01 LU).
    const std::size_t b = loudness::binOf(gate);
    // (Below the absolute gate, or in the open-ended top bin: all of it.)
    const double inBin = gate <= loudness::kAbsoluteGate || b + 1 == loudness::kBins
                             ? 1.0
                             : std::clamp((loudness::binFloor(b + 1) - gate) / loudness::kBinLu, 0.0, 1.0);
    const std::uint64_t below = counts_.prefix(b), upTo = counts_.prefix(b + 1);
    const double eBelow = energies_.prefix(b), eUpTo = energies_.prefix(b + 1);
    const double n = static_cast<double>(count_ - upTo) + inBin * static_cast<double>(upTo - below);
    // Energies above the gate: the exact total less the bins below.
    const double e = (energy_ - eUpTo) + inBin * (eUpTo - eBelow);
    if (!(n > 0.0) || !(e > 0.0)) return -std::numeric_limits<double>::infinity();
    return loudness::toLufs(e / n);
  }

  std::uint64_t blocks() const noexcept { return count_; }  // above the absolute gate

 private:
  loudness::Fenwick<std::uint64_t> counts_;
  loudness::Fenwick<double> energies_;
  std::uint64_t count_ = 0;
  double energy_ = 0.0;
};

class RangeGate {
 public:
  static constexpr double kRelativeGate = -20.0;
  static constexpr double kLowPercentile = 0.10;
  static constexpr double kHighPercentile = 0.95;

  void reset() noexcept {
    counts_.clear();
    count_ = 0;
    energy_ = 0.0;
  }

  // One short-term (3 s) value's weighted mean square.
  void add(double meanSquare) noexcept {
    const double l = loudness::toLufs(meanSquare);
    if (!(l > loudness::kAbsoluteGate)) return;
    counts_.add(loudness::binOf(l), 1);
    ++count_;
    energy_ += meanSquare;
  }

  // LU; -Infinity until a value passes both gates.
  double range() const noexcept {
    if (count_ == 0) return -std::numeric_limits<double>::infinity();
    const double gate = loudness::toLufs(energy_ / static_cast<double>(count_)) + kRelativeGate;
    const std::uint64_t below = counts_.prefix(loudness::firstBinAbove(gate));
    const std::uint64_t n = count_ - below;
    if (n == 0) return -std::numeric_limits<double>::infinity();
    // Tech 3342: of the values sorted, the ones at round((n - 1) * percentile).
    const auto rank = [n](double p) {
      return static_cast<std::uint64_t>(std::llround(static_cast<double>(n - 1) * p));
    };
    const double low = loudness::binCentre(counts_.select(below + rank(kLowPercentile)));
    const double high = loudness::binCentre(counts_.select(below + rank(kHighPercentile)));
    return high - low;
  }

  std::uint64_t values() const noexcept { return count_; }  // above the absolute gate

 private:
  loudness::Fenwick<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double energy_ = 0.0;
};

}  // namespace ringmix::engine
