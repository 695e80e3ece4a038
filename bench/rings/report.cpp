// bench_rings: the measured cases as JSON ("config", "spsc", "spmc"). Ratios and targets are in
// ratios.cpp.

#include <algorithm>
#include <string>
#include <vector>

#include "rings/report.hpp"

namespace ringmix::bench::rings {
namespace {

Json throughputJson(const CaseAgg& c) {
  Json j = Json::object();
  j["frames_per_s_best"] = c.bestThroughput;
  j["frames_per_s_median"] = c.medianThroughput;
  j["mb_per_s_best"] = c.bestThroughput * kChannels * sizeof(float) / 1e6;
  Json reps = Json::array();
  for (double t : c.throughput) reps.push(t);
  j["frames_per_s_each_rep"] = reps;
  return j;
}

// Other processes' share of the machine's CPU time while this case ran (max over repetitions):
// anything but ~0 means the numbers of this case are not clean.
Json loadJson(const CaseAgg& c) {
  if (c.othersLoad.empty()) return Json();
  Json j = Json::object();
  j["others_max"] = *std::max_element(c.othersLoad.begin(), c.othersLoad.end());
  j["steal_max"] = *std::max_element(c.stealLoad.begin(), c.stealLoad.end());
  return j;
}

Json rttJson(const CaseAgg& c) {
  Json a = Json::array();
  for (double x : c.rtt) a.push(x);
  return a;
}

Json repPercentilesJson(const CaseAgg& c) {
  Json j = Json::object();
  Json a = Json::array(), b = Json::array();
  for (double x : c.repP50) a.push(x);
  for (double x : c.repP99) b.push(x);
  j["p50"] = a;
  j["p99"] = b;
  return j;
}

// The producer's percentiles with the operations the host's interruptions landed in set aside
// (rings/interruptions.hpp), pooled and per repetition.
Json outsideJson(const CaseAgg& c) {
  Json j = toJson(c.producerOutside.summary);
  j["interrupted_ops_expected"] = c.producerOutside.expected;
  j["ops_set_aside"] = c.producerOutside.removed;
  Json a = Json::array();
  for (double x : c.repP999Outside) a.push(x);
  j["p99_9_each_rep"] = a;
  return j;
}

Json spscCaseJson(const CaseAgg& c, double nsPerTick) {
  Json j = Json::object();
  if (!c.skipped.empty()) {
    j["skipped"] = c.skipped;
    return j;
  }
  j["frames_per_run"] = c.frames;
  j["throughput"] = throughputJson(c);
  j["producer_op_ns"] = toJson(c.producer);
  j["producer_op_ns_each_rep"] = repPercentilesJson(c);
  j["producer_op_ns_outside_interruptions"] = outsideJson(c);
  j["producer_ops"] = c.ops;
  j["partial_ops"] = c.partialOps;
  j["refused_attempts"] = c.refused;
  if (!c.refusedTicks.empty()) {
    std::vector<Tick> r = c.refusedTicks;
    const auto s = summarize(r, nsPerTick);
    j["refused_attempt_ns"] = Json::object();
    j["refused_attempt_ns"]["p50"] = s.p50;
    j["refused_attempt_ns"]["p99"] = s.p99;
    j["refused_attempt_ns"]["max"] = s.max;
  }
  if (c.unrecorded) j["unrecorded_ops"] = c.unrecorded;
  j["verified_samples"] = c.verifiedSamples;
  j["machine_load_during_case"] = loadJson(c);
  j["core_to_core_rtt_ns_each_rep"] = rttJson(c);
  return j;
}

}  // namespace

Json configJson(const Results& res) {
  Json cfg = Json::object();
  cfg["channels"] = kChannels;
  cfg["sample_type"] = "float";
  cfg["queue_capacity_frames"] = kRingFrames;
  cfg["repetitions_requested"] = res.repsRequested;
  cfg["repetitions_completed"] = res.repsDone;
  cfg["time_budget_s"] = res.budgetS;
  cfg["throughput"] =
      "untimed pass, frames / wall time from start line to last sample verified; best and median "
      "over repetitions; ratios use best";
  cfg["producer_op_ns"] =
      "every successful producer operation of the timed passes, pooled; refused (queue full) "
      "attempts counted separately; waiting between attempts not timed";
  cfg["producer_op_ns_outside_interruptions"] =
      "producer_op_ns without the case's longest operations, as many as the host's interruptions "
      "of the producer CPU (machine.noise.host_interruptions_producer_cpu: rate x the case's "
      "total timed operation time) are expected to have landed in, and only operations at least "
      "as long as the shortest interruption seen; the p99.9 targets are judged on these";
  cfg["machine_tail_floor_ns"] =
      "single-thread spin as long as the queue operation's p50, timed the same way on the "
      "producer CPU: the tail any operation of that length gets from interrupts/host preemption";
  cfg["spsc_ops"] =
      "spsc_ring, boost_spsc_queue_bulk (write_available() then push(ptr, n)) and mutex_deque "
      "push whole chunks (all or nothing); moodycamel enqueues per sample as much of the chunk as "
      "fits (partial_ops); consumers take up to one chunk per call (boost: pop(ptr, n))";
  cfg["spsc_summary"] =
      "per chunk size and queue: best throughput and the producer's per-chunk operation time "
      "percentiles (ns), copied from spsc.*";
  return cfg;
}

Json spscJson(const Results& res, double nsPerTick) {
  Json js = Json::object();
  for (std::size_t ci = 0; ci < kChunkSizes; ++ci) {
    Json& chunkJ = js[chunkKey(ci)];
    for (std::size_t ii = 0; ii < kSpscImpls; ++ii)
      chunkJ[kSpscImplNames[ii]] = spscCaseJson(res.spscCase(SpscImpl(ii), ci), nsPerTick);
    chunkJ["machine_tail_floor_ns"] = res.spscFloor[ci];
  }
  return js;
}

Json spscSummaryJson(const Results& res) {
  Json js = Json::object();
  for (std::size_t ci = 0; ci < kChunkSizes; ++ci) {
    Json& chunkJ = js[chunkKey(ci)];
    for (std::size_t ii = 0; ii < kSpscImpls; ++ii) {
      const CaseAgg& c = res.spscCase(SpscImpl(ii), ci);
      Json& q = chunkJ[kSpscImplNames[ii]];
      if (!c.skipped.empty()) {
        q = Json(c.skipped);
        continue;
      }
      q["frames_per_s_best"] = c.bestThroughput;
      q["op_p50_ns"] = c.producer.p50;
      q["op_p99_ns"] = c.producer.p99;
      q["op_p99_9_ns"] = c.producer.p999;
      q["op_p99_9_outside_interruptions_ns"] = c.producerOutside.summary.p999;
    }
  }
  return js;
}

Json spmcJson(const Env& env, const Results& res) {
  Json jm = Json::object();
  jm["chunk_frames"] = kSpmcChunkFrames;
  jm["frames_per_run"] = res.spmcFrames;
  jm["placement"] = env.producerCpu < 0
                        ? "unpinned"
                        : "producer on cpu " + std::to_string(env.producerCpu) +
                              ", every reader on cpu " + std::to_string(env.consumerCpu) +
                              " (readers time-share that core)";
  jm["machine_tail_floor_ns"] = res.spmcFloor;
  jm["note"] =
      "producer writes flat out, so readers are lapped and skip ahead (lost); reader figures are "
      "totals over all runs";
  for (const CaseAgg& c : res.spmc) {
    Json& cj = jm[c.name];
    cj["active_readers"] = c.activeReaders;
    cj["stalled_readers"] = c.hasStalled ? 1 : 0;
    cj["throughput"] = throughputJson(c);
    cj["producer_op_ns"] = toJson(c.producer);
    cj["producer_op_ns_each_rep"] = repPercentilesJson(c);
    if (!c.readerTotals.empty()) {
      ReaderStats sum;
      for (const auto& r : c.readerTotals) sum.add(r);
      Json& rj = cj["readers_total"];
      rj["items_read"] = sum.items;
      rj["items_lost"] = sum.lost;
      rj["read_fraction"] =
          ratio(static_cast<double>(sum.items), static_cast<double>(sum.items + sum.lost));
      rj["reads"] = sum.reads;
      rj["empty_reads"] = sum.emptyReads;
      rj["dropouts"] = sum.dropouts;
      rj["corrupt_items"] = sum.corrupt;
    }
    cj["machine_load_during_case"] = loadJson(c);
    cj["core_to_core_rtt_ns_each_rep"] = rttJson(c);
    if (c.hasStalled) {
      Json& sj = cj["stalled_reader_last_run"];
      sj["lag_at_end"] = c.stalledLag;
      sj["first_read_items"] = c.stalledFirstItems;
      sj["first_read_lost"] = c.stalledFirstLost;
    }
  }
  return jm;
}

}  // namespace ringmix::bench::rings
