// bench_rings' p99.9 outside the host's interruptions (bench/rings/interruptions.hpp): it sets
// aside exactly the operations the measured rate predicts were hit, never a queue's own stalls
// beyond that count, and never an operation shorter than an interruption.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <vector>

#include "rings/interruptions.hpp"

using namespace ringmix::bench;
using namespace ringmix::bench::rings;

namespace {

// `normal` operations of 300-399 ns (1 ns per tick) plus `longOps` of 40 µs.
std::vector<Tick> ops(std::size_t normal, std::size_t longOps) {
  std::vector<Tick> t;
  for (std::size_t i = 0; i < normal; ++i) t.push_back(static_cast<Tick>(300 + i % 100));
  for (std::size_t i = 0; i < longOps; ++i) t.push_back(40000);
  return t;
}

}  // namespace

TEST_CASE("the expected count is the rate times the operations' total time, rounded up") {
  Interruptions irq = interruptionsFrom({40000, 40000}, 0.002, 2000);  // 1000/s
  CHECK(irq.ratePerS == doctest::Approx(1000));
  // 2.5 ms of operations at 1000/s: 2.5 expected, so 3.
  std::vector<Tick> t(2500, 1000);
  CHECK(expectedInterruptions(t, 1.0, irq) == 3);
  // The same operations timed with a 2 ns tick last twice as long.
  CHECK(expectedInterruptions(t, 2.0, irq) == 5);
  CHECK(expectedInterruptions(t, 1.0, Interruptions{}) == 0);  // no probe: nothing expected
}

TEST_CASE("interrupted operations over 0.1 % make the raw p99.9 the host's, and set aside the queue's shows") {
  std::vector<Tick> t = ops(10000, 12);  // 12 of 10012 (0.12 %) hit
  std::vector<Tick> raw = t;
  CHECK(summarize(raw, 1.0).p999 == 40000);
  const OutsideInterruptions o = summarizeOutsideInterruptions(t, 1.0, 12, 9000);
  CHECK(o.expected == 12);
  CHECK(o.removed == 12);
  CHECK(o.summary.count == 10000);
  CHECK(o.summary.p999 < 400);
}

TEST_CASE("a queue's own stalls beyond the expected count stay in its p99.9") {
  std::vector<Tick> t = ops(10000, 30);  // 12 interruptions expected, 30 long operations
  const OutsideInterruptions o = summarizeOutsideInterruptions(t, 1.0, 12, 9000);
  CHECK(o.removed == 12);
  CHECK(o.summary.p999 == 40000);  // 18 of 10018 left: still over 0.1 %
}

TEST_CASE("an operation shorter than the shortest interruption seen is never set aside") {
  std::vector<Tick> t = ops(10000, 5);
  const OutsideInterruptions o = summarizeOutsideInterruptions(t, 1.0, 50, 9000);
  CHECK(o.expected == 50);
  CHECK(o.removed == 5);
  CHECK(o.summary.count == 10000);
  CHECK(o.summary.max < 400);
}

TEST_CASE("a probe's figures: rate, the CPU share taken and the cost percentiles") {
  const Interruptions in = interruptionsFrom({9000, 2000, 40000, 41000}, 0.5, 2000);
  CHECK(in.measured);
  CHECK(in.count == 4);
  CHECK(in.ratePerS == doctest::Approx(8));
  CHECK(in.stolenShare == doctest::Approx(92000 / 0.5e9));
  CHECK(in.minCostNs == 2000);
  CHECK(in.p50CostNs == 40000);
  CHECK(in.maxCostNs == 41000);
  CHECK_FALSE(interruptionsFrom({}, 0, 2000).measured);
}
