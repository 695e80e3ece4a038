// bench_rings: one case's figures over all its repetitions, and the list of correctness failures.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <iostream>
#include <string>
#include <vector>

#include "common/stats.hpp"
#include "common/sysload.hpp"
#include "rings/common.hpp"
#include "rings/interruptions.hpp"

namespace ringmix::bench::rings {

struct CaseAgg {
  std::string name;
  std::size_t chunkFrames = 0;
  std::uint64_t frames = 0;  // per run
  std::vector<double> throughput;  // frames/s of each untimed run
  std::vector<Tick> opTicks, refusedTicks;
  std::uint64_t ops = 0, partialOps = 0, refused = 0, unrecorded = 0, verifiedSamples = 0;
  // SPMC extras
  std::vector<ReaderStats> readerTotals;
  std::uint64_t readerRuns = 0;
  bool hasStalled = false;
  std::uint64_t stalledLag = 0, stalledFirstItems = 0, stalledFirstLost = 0;
  int activeReaders = 0;
  std::string skipped;  // why the case did not run (sanitizer builds), empty if it ran

  std::vector<double> othersLoad, stealLoad;    // per repetition (both passes)
  std::vector<double> repP50, repP99, repP999;  // producer percentiles of each timed pass (ns)
  std::vector<double> repP999Outside;           // the same outside the host's interruptions
  std::vector<double> rtt;                      // core-to-core round trip just before each rep

  Summary producer;                     // filled by finish()
  OutsideInterruptions producerOutside;  // likewise, with interrupted operations set aside
  std::size_t interruptedExpected = 0;   // summed over the repetitions, each at its own probe's rate
  double minInterruptionNs = 1e18;       // the shortest interruption any of their probes saw
  double medianThroughput = 0, bestThroughput = 0;

  void addLoad(const LoadProbe::Sample& a, const LoadProbe::Sample& b) {
    const auto l = LoadProbe::between(a, b);
    if (!l.valid()) return;
    othersLoad.push_back(l.others);
    stealLoad.push_back(l.steal);
  }
  void addThroughput(double seconds) {
    throughput.push_back(static_cast<double>(frames) / seconds);
  }
  // Pools one timed pass's operation times and keeps its own percentiles (to show drift between
  // repetitions and to pair cases that ran back to back).
  void addTicks(const std::vector<Tick>& t, double nsPerTick, const Interruptions& irq) {
    opTicks.insert(opTicks.end(), t.begin(), t.end());
    std::vector<Tick> copy = t;
    const auto s = summarize(copy, nsPerTick);
    repP50.push_back(s.p50);
    repP99.push_back(s.p99);
    repP999.push_back(s.p999);
    const std::size_t expected = expectedInterruptions(t, nsPerTick, irq);
    repP999Outside.push_back(summarizeOutsideInterruptions(t, nsPerTick, expected, irq.minCostNs).summary.p999);
    interruptedExpected += expected;
    if (irq.count) minInterruptionNs = std::min(minInterruptionNs, irq.minCostNs);
  }
  void addTimed(RunResult& r, double nsPerTick, const Interruptions& irq) {
    addTicks(r.opTicks, nsPerTick, irq);
    refusedTicks.insert(refusedTicks.end(), r.refusedTicks.begin(), r.refusedTicks.end());
    ops += r.ops;
    partialOps += r.partialOps;
    refused += r.refused;
    unrecorded += r.unrecorded;
  }
  // One SPSC repetition: throughput from the untimed pass, operation times from the timed one.
  void addSpsc(RunResult& untimed, RunResult& timed, double nsPerTick, const Interruptions& irq) {
    addThroughput(untimed.seconds);
    addTimed(timed, nsPerTick, irq);
    verifiedSamples += untimed.verifiedSamples + timed.verifiedSamples;
  }
  // One SpmcRing repetition: the same, plus the readers' totals of both passes.
  void addSpmc(const SpmcResult& untimed, const SpmcResult& timed, double nsPerTick,
               const Interruptions& irq) {
    addThroughput(untimed.seconds);
    addTicks(timed.opTicks, nsPerTick, irq);
    ops += timed.opTicks.size();
    if (readerTotals.empty()) readerTotals.resize(timed.readers.size());
    for (const SpmcResult* r : {&untimed, &timed}) {
      for (std::size_t k = 0; k < r->readers.size(); ++k) readerTotals[k].add(r->readers[k]);
      ++readerRuns;
    }
    if (timed.hasStalled) {
      hasStalled = true;
      stalledLag = timed.stalledLag;
      stalledFirstItems = timed.stalledFirstItems;
      stalledFirstLost = timed.stalledFirstLost;
    }
  }
  void finish(double nsPerTick) {
    producerOutside = summarizeOutsideInterruptions(opTicks, nsPerTick, interruptedExpected, minInterruptionNs);
    producer = summarize(opTicks, nsPerTick);
    medianThroughput = median(throughput);
    bestThroughput =
        throughput.empty() ? 0.0 : *std::max_element(throughput.begin(), throughput.end());
  }
};

struct Failures {
  std::vector<std::string> list;
  void check(bool ok, const std::string& where, const std::string& err) {
    if (ok) return;
    list.push_back(where + ": " + err);
    std::cerr << "CORRECTNESS FAILURE " << where << ": " << err << "\n";
  }
};

}  // namespace ringmix::bench::rings
