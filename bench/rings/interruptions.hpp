// bench_rings: the host's interruptions of the producer's CPU, and an operation-time summary with
// the operations they landed in set aside.
//
// Why: on a VM the host takes the vCPU away now and then, on this class of machine for ~40 µs
// every 1 ms (its own timer tick, invisible to the guest: no interrupt is counted, no steal time
// reported). An operation of t µs is hit with probability ~rate * t, so for operations of 1 µs
// or more (1024-frame chunks) over 0.1 % of them are, and their p99.9 is the host's tick whatever
// the queue: which queue "wins" at p99.9 is then a coin toss between two equal host tails. The
// probe measures the rate; the summary drops as many of the longest operations as that rate
// predicts landed in the case's timed operations, so what is left is the queue's own tail. The
// host switches between regimes (~1,300/s of ~40 µs, ~2,800/s of ~9 µs), so every repetition
// probes again and its cases use its own rate. The raw figures are reported beside it, unchanged.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "common/stats.hpp"
#include "rings/common.hpp"

namespace ringmix::bench::rings {

struct Interruptions {
  bool measured = false;
  double seconds = 0;       // how long the probe spun
  double thresholdNs = 0;   // a gap in the spin loop at least this long counts as one
  std::size_t count = 0;    // gaps seen
  double ratePerS = 0;      // count / seconds
  double stolenShare = 0;   // the gaps' total length / seconds
  double minCostNs = 0, p50CostNs = 0, p90CostNs = 0, maxCostNs = 0;
};

// The interruptions expected to have landed in these operations: ceil(rate * their total time).
inline std::size_t expectedInterruptions(const std::vector<Tick>& ticks, double nsPerTick,
                                         const Interruptions& irq) {
  if (!irq.measured || ticks.empty()) return 0;
  long double total = 0;
  for (Tick t : ticks) total += t;
  return static_cast<std::size_t>(std::ceil(irq.ratePerS * static_cast<double>(total * nsPerTick) * 1e-9));
}

// An operation-time summary without the `expected` longest operations, and of those only
// operations at least as long as the shortest interruption seen (an interrupted operation cannot
// be shorter). If the queue has stalls of its own longer than that, they are among what stays.
struct OutsideInterruptions {
  Summary summary;
  std::size_t expected = 0;  // interruptions expected to land in timed operations
  std::size_t removed = 0;   // operations set aside (<= expected)
};

inline OutsideInterruptions summarizeOutsideInterruptions(std::vector<Tick> ticks, double nsPerTick,
                                                          std::size_t expected, double minCostNs) {
  OutsideInterruptions out;
  out.expected = expected;
  std::sort(ticks.begin(), ticks.end());
  const double minTicks = minCostNs / nsPerTick;
  while (out.removed < expected && ticks.size() > 1 && static_cast<double>(ticks.back()) >= minTicks) {
    ticks.pop_back();
    ++out.removed;
  }
  out.summary = summarize(ticks, nsPerTick);
  return out;
}

// Rate and cost figures of a probe (or of several pooled): the gaps' lengths and the time spun.
inline Interruptions interruptionsFrom(std::vector<double> costsNs, double seconds, double thresholdNs) {
  Interruptions in;
  in.measured = seconds > 0;
  in.seconds = seconds;
  in.thresholdNs = thresholdNs;
  in.count = costsNs.size();
  in.ratePerS = seconds > 0 ? static_cast<double>(costsNs.size()) / seconds : 0;
  double stolen = 0;
  for (double c : costsNs) stolen += c;
  in.stolenShare = seconds > 0 ? stolen / (seconds * 1e9) : 0;
  if (!costsNs.empty()) {
    std::sort(costsNs.begin(), costsNs.end());
    in.minCostNs = costsNs.front();
    in.p50CostNs = costsNs[costsNs.size() / 2];
    in.p90CostNs = costsNs[costsNs.size() * 9 / 10];
    in.maxCostNs = costsNs.back();
  }
  return in;
}

}  // namespace ringmix::bench::rings
