// bench_rings: everything a run measured, and the functions that turn it into the JSON report.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/stats.hpp"
#include "common/sysload.hpp"
#include "rings/aggregate.hpp"
#include "rings/common.hpp"
#include "rings/interruptions.hpp"

namespace ringmix::bench::rings {

struct Results {
  bool quick = false;
  int repsRequested = 0, repsDone = 0;
  double budgetS = 0;
  std::uint64_t spmcFrames = 0;
  std::vector<CaseAgg> spsc;    // index chunkIdx * kSpscImpls + impl
  std::vector<CaseAgg> spmc;    // report order
  std::vector<Json> spscFloor;  // machine tail floor per chunk size
  Json spmcFloor;
  // The host's interruptions of the producer CPU: the current repetition's probe (its cases use
  // it), and every probe's gaps pooled for the report.
  Interruptions irq, irqPooled;
  std::vector<double> irqCosts, irqRateEachRep;
  double irqSeconds = 0;
  LoadProbe::Sample loadStart;
  Failures failures;

  const CaseAgg& spscCase(SpscImpl impl, std::size_t chunkIdx) const {
    return spsc[chunkIdx * kSpscImpls + impl];
  }
  const CaseAgg& spmcCase(const std::string& key) const {
    for (const auto& c : spmc)
      if (c.name == key) return c;
    std::abort();
  }
};

inline double ratio(double a, double b) { return b > 0 ? a / b : NAN; }
inline std::string chunkKey(std::size_t chunkIdx) {
  return std::to_string(kChunkFrames[chunkIdx]) + "_frames";
}

// machine.cpp: the machine's own interruption tail for an operation of opNs (a timed spin on the
// producer CPU), and the "machine" object (build, timer, placement, noise during the run).
Json floorJson(Env& env, double opNs, std::size_t samples);
// machine.cpp: spins on the producer CPU for `seconds`, timing every gap in the loop (appended to
// `costs`, in ns).
Interruptions probeInterruptions(Env& env, double seconds, std::vector<double>& costs);
Json machineJson(const Env& env, const Results& res);
// report.cpp: the "config", "spsc", "spsc_summary" and "spmc" objects.
Json configJson(const Results& res);
Json spscJson(const Results& res, double nsPerTick);
Json spscSummaryJson(const Results& res);
Json spmcJson(const Env& env, const Results& res);
// ratios.cpp: adds "ratios" and "targets" to doc; returns whether every target was met.
bool addRatiosAndTargets(Json& doc, const Results& res);

}  // namespace ringmix::bench::rings
