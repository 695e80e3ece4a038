// bench_rings: the context recorded with the results, because on a small VM it decides the
// numbers: the build, the timer, where the threads ran, other processes' CPU share, the
// core-to-core round trip, and the machine's own interruption tail.

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "rings/report.hpp"

#ifndef RINGMIX_BENCH_BUILD_TYPE
#define RINGMIX_BENCH_BUILD_TYPE "unknown"
#endif
#ifndef RINGMIX_BENCH_COMPILER
#define RINGMIX_BENCH_COMPILER "unknown"
#endif
#ifndef RINGMIX_BENCH_CXX_FLAGS
#define RINGMIX_BENCH_CXX_FLAGS "unknown"
#endif

namespace ringmix::bench::rings {
namespace {

// On a VM any operation can be interrupted (timer ticks, host preemption) for tens of µs, and the
// longer the operation, the more often: that sets a floor under any p99.9. This times a spin of
// fixed length (the p50 of the operation it is compared with) on the producer's CPU with nothing
// else of ours running: whatever tail it shows is the machine's, not the queue's.
std::vector<Tick> measureFloor(Env& env, std::uint64_t spinTicks, std::size_t samples) {
  std::vector<Tick> ticks(samples);
  std::thread t([&] {
    env.pin(env.producerCpu);
    for (auto& x : ticks) {
      const std::uint64_t a = TickClock::start();
      while (TickClock::raw() - a < spinTicks) {
      }
      x = tickDelta(a, TickClock::stop());
    }
  });
  t.join();
  return ticks;
}

// A gap in a loop of clock reads (normally ~20 ns apart) this long is the CPU having been taken
// away; shorter ones can be a cache or TLB miss of the loop itself.
constexpr double kInterruptionNs = 2000;

Json interruptionsJson(const Interruptions& in) {
  if (!in.measured) return Json();
  Json j = Json::object();
  j["probe_s_total"] = in.seconds;
  j["gap_threshold_ns"] = in.thresholdNs;
  j["count"] = in.count;
  j["per_s"] = in.ratePerS;
  j["stolen_share"] = in.stolenShare;
  j["cost_ns"]["min"] = in.minCostNs;
  j["cost_ns"]["p50"] = in.p50CostNs;
  j["cost_ns"]["p90"] = in.p90CostNs;
  j["cost_ns"]["max"] = in.maxCostNs;
  j["note"] =
      "gaps in a loop of clock reads on the producer CPU before each repetition (pooled here), "
      "nothing else of ours running: the host "
      "(or kernel) taking the CPU away. An operation of t ns is hit with probability ~per_s * t; "
      "producer_op_ns_outside_interruptions sets aside as many of a case's longest operations";
  return j;
}

}  // namespace

Interruptions probeInterruptions(Env& env, double seconds, std::vector<double>& costs) {
  const double npt = env.clock.nsPerTick();
  std::vector<double> mine;
  mine.reserve(static_cast<std::size_t>(seconds * 20000) + 16);  // never allocates while spinning
  std::thread t([&] {
    env.pin(env.producerCpu);
    const auto threshold = static_cast<std::uint64_t>(kInterruptionNs / npt);
    const std::uint64_t start = TickClock::raw();
    const std::uint64_t end = start + static_cast<std::uint64_t>(seconds * 1e9 / npt);
    std::uint64_t prev = start;
    while (prev < end) {
      const std::uint64_t now = TickClock::raw();
      if (now - prev >= threshold && mine.size() < mine.capacity())
        mine.push_back(static_cast<double>(now - prev) * npt);
      prev = now;
    }
  });
  t.join();
  costs.insert(costs.end(), mine.begin(), mine.end());
  return interruptionsFrom(std::move(mine), seconds, kInterruptionNs);
}

Json floorJson(Env& env, double opNs, std::size_t samples) {
  const double npt = env.clock.nsPerTick();
  auto ticks = measureFloor(env, static_cast<std::uint64_t>(opNs / npt), samples);
  const auto s = summarize(ticks, npt);
  Json j = Json::object();
  j["spin_ns"] = opNs;
  j["samples"] = samples;
  j["p50"] = s.p50;
  j["p99"] = s.p99;
  j["p99_9"] = s.p999;
  j["max"] = s.max;
  return j;
}

Json machineJson(const Env& env, const Results& res) {
  Json m = Json::object();
  m["cores"] = std::thread::hardware_concurrency();
  {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line))
      if (line.rfind("model name", 0) == 0) {
        const auto p = line.find(':');
        if (p != std::string::npos) m["cpu_model"] = line.substr(p + 2);
        break;
      }
  }
  m["compiler"] = RINGMIX_BENCH_COMPILER;
  m["cxx_flags"] = RINGMIX_BENCH_CXX_FLAGS;
  m["build_type"] = RINGMIX_BENCH_BUILD_TYPE;
  m["sanitizer"] = kSanitizer ? Json(kSanitizer) : Json();
#if defined(__OPTIMIZE__)
  m["optimized"] = true;
#else
  m["optimized"] = false;
#endif
#if defined(NDEBUG)
  m["ndebug"] = true;
#else
  m["ndebug"] = false;
#endif
  m["timer"] = TickClock::name();
  m["timer_ns_per_tick"] = env.clock.nsPerTick();
  m["timer_overhead_ns"] = env.clock.overheadNs();
  m["timer_resolution_ns"] = env.clock.resolutionNs();
  m["timer_note"] =
      "per-operation times include timer_overhead_ns (not subtracted) and are quantised to "
      "timer_resolution_ns";
  m["producer_cpu"] = env.producerCpu;
  m["consumer_cpu"] = env.consumerCpu;
  m["pinning"] = env.producerCpu < 0 ? "not attempted (fewer than 2 CPUs allowed)"
                 : env.pinFailures.load() == 0
                     ? "all threads pinned"
                     : "pinning failed for " + std::to_string(env.pinFailures.load()) + " of " +
                           std::to_string(env.pinAttempts.load()) + " threads (ran unpinned)";
  {
    // Was the box quiet? Other processes' and the hypervisor's share of all CPU time over the run,
    // and the worst single case. Cases run at > 5% are flagged: their numbers are suspect.
    const auto whole = LoadProbe::between(res.loadStart, LoadProbe::sample());
    Json& n = m["noise"];
    n["others_cpu_share_whole_run"] = whole.valid() ? Json(whole.others) : Json();
    n["steal_share_whole_run"] = whole.valid() ? Json(whole.steal) : Json();
    double worst = 0;
    Json noisy = Json::array();
    auto scan = [&](const CaseAgg& c, const std::string& label) {
      for (double x : c.othersLoad) worst = std::max(worst, x);
      if (!c.othersLoad.empty() &&
          *std::max_element(c.othersLoad.begin(), c.othersLoad.end()) > 0.05)
        noisy.push(label);
    };
    for (const auto& c : res.spsc) scan(c, c.name + "/" + std::to_string(c.chunkFrames));
    for (const auto& c : res.spmc) scan(c, "spmc/" + c.name);
    n["others_cpu_share_worst_case"] = worst;
    if (!env.allRtt.empty()) {
      // A cross-thread queue is bounded by this latency; if it moved during the run, so did
      // every cross-core-bound number (SpscRing, moodycamel per element, SpmcRing with readers).
      std::vector<double> v = env.allRtt;
      std::sort(v.begin(), v.end());
      Json& c2c = n["core_to_core_rtt_ns"];
      c2c["min"] = v.front();
      c2c["median"] = median(v);
      c2c["max"] = v.back();
      c2c["probes"] = v.size();
      c2c["note"] = v.back() > 2 * v.front()
                        ? "cross-core latency changed during the run (the host moves the vCPUs): "
                          "compare cases within a repetition, see core_to_core_rtt_ns_each_rep"
                        : "stable";
    }
    n["cases_with_others_over_5pct"] = noisy;
    n["host_interruptions_producer_cpu"] = interruptionsJson(res.irqPooled);
    if (res.irqPooled.measured) {
      Json a = Json::array();
      for (double x : res.irqRateEachRep) a.push(x);
      n["host_interruptions_producer_cpu"]["per_s_each_rep"] = a;
    }
    std::ifstream la("/proc/loadavg");
    std::string s;
    if (std::getline(la, s)) n["loadavg_at_end"] = s;
  }
  return m;
}

}  // namespace ringmix::bench::rings
