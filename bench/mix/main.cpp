// bench_mix: how fast the mix cycle runs, and how many inputs a mixer holds in real time.
//
// 1. Simulated clock (no real time, no threads), 256-frame cycles at 48 kHz, for 1 to 1024
//    inputs of three shapes (setup.hpp): `silence` is the mixer's own cost, `sine` adds the
//    oscillator, `strip` every block of the channel strip, so strip - sine is the strip's cost.
//    The master chain's cost (EQ, compressor, limiter) is one silent input with the chain on
//    against a mixer without a limiter stage and the master bypassed. "x_realtime": how many
//    such mixers one core could run.
// 2. Periods: the cycle's cost for 32 sine inputs at 16- to 256-frame periods (a short period
//    pays the per-cycle overhead more often).
// 3. Capacity (capacity.hpp): the most inputs that run on the real-time virtual clock at
//    128-frame periods for 30 s (--quick: 3 s) with zero xruns and mean DSP load under 50 %.
//   bench_mix [--quick]
//   bench_mix --case silence|sine|strip INPUTS PERIOD SECONDS [MASTER]   (one simulated case, for
//   profilers; MASTER: -1 default, 0 no limiter, 1 full master chain)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "capacity.hpp"
#include "simulated.hpp"

using namespace mixbench;

namespace {

void printResult(const Result& r, bool last) {
  std::printf("    {\"source\": \"%s\", \"inputs\": %d, \"period_frames\": %u, \"audio_s\": %.2f, \"wall_s\": %.4f, "
              "\"cycle_us\": %.3f, \"per_input_us\": %.4f, \"ns_per_frame_per_input\": %.3f, \"x_realtime\": %.1f}%s\n",
              r.master == 0 ? "master_off" : r.master == 1 ? "master_on" : shapeName(r.shape), r.inputs, r.periodFrames,
              r.audioSeconds, r.wallSeconds, r.cycleUs, r.perInputUs, r.nsPerFramePerInput, r.xRealtime,
              last ? "" : ",");
}

void printCapacity(const Capacity& c, bool last) {
  std::printf("    {\"source\": \"%s\", \"period_frames\": %u, \"limit\": %d, \"predicted\": %d, \"max_inputs\": %d,%s "
              "\"probes\": [",
              shapeName(c.shape), c.periodFrames, c.limit, c.predicted, c.best(),
              c.best() >= c.limit ? " \"at_limit\": true," : "");
  for (std::size_t i = 0; i < c.probes.size(); ++i) {
    const Probe& p = c.probes[i];
    std::printf("%s{\"inputs\": %d, \"seconds\": %.0f, \"xruns\": %llu, \"skipped_cycles\": %llu, \"load_mean\": %.3f, "
                "\"load_max\": %.3f, \"realtime_priority\": %s, \"ok\": %s}",
                i ? ", " : "", p.inputs, p.seconds, static_cast<unsigned long long>(p.xruns),
                static_cast<unsigned long long>(p.skipped), p.loadMean, p.loadMax, p.realtime ? "true" : "false",
                p.ok() ? "true" : "false");
  }
  std::printf("]}%s\n", last ? "" : ",");
}

}  // namespace

int main(int argc, char** argv) {
  // One simulated case alone, for profilers:
  //   bench_mix --case silence|sine|strip INPUTS PERIOD SECONDS [MASTER]   (MASTER as makeMixer())
  if ((argc == 6 || argc == 7) && std::strcmp(argv[1], "--case") == 0) {
    const std::string s = argv[2];
    const Shape shape = s == "silence" ? Shape::Silence : s == "strip" ? Shape::Strip : Shape::Sine;
    std::printf("[\n");
    printResult(simulate(shape, std::atoi(argv[3]), static_cast<std::uint32_t>(std::atoi(argv[4])), std::atof(argv[5]),
                         argc == 7 ? std::atoi(argv[6]) : -1),
                true);
    std::printf("]\n");
    return 0;
  }
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  std::vector<Result> results;
  for (int n : {1, 8, 32, 128, 512, 1024}) {
    if (quick && n > 128) continue;
    // Aim for a similar amount of work per case.
    const double seconds = (quick ? 2.0 : 30.0) * (n >= 512 ? 0.05 : n >= 32 ? 0.25 : 1.0);
    std::fprintf(stderr, "bench_mix: %d inputs...\n", n);
    for (Shape s : {Shape::Silence, Shape::Sine, Shape::Strip}) results.push_back(simulate(s, n, 256, seconds));
  }
  const double masterSeconds = quick ? 2.0 : 30.0;
  results.push_back(simulate(Shape::Silence, 1, 256, masterSeconds, 0));
  results.push_back(simulate(Shape::Silence, 1, 256, masterSeconds, 1));

  std::fprintf(stderr, "bench_mix: periods...\n");
  std::vector<Result> periods;
  for (std::uint32_t p : {16u, 32u, 64u, 128u, 256u}) periods.push_back(simulate(Shape::Sine, 32, p, quick ? 0.5 : 5.0));

  // Capacity, first guesses from the simulated cost at 128 frames (per input from 128 inputs,
  // the rest from one).
  std::vector<Capacity> capacity;
  for (Shape s : {Shape::Sine, Shape::Strip}) {
    if (quick && s == Shape::Strip) continue;
    const Result one = simulate(s, 1, 128, quick ? 0.5 : 2.0);
    const Result many = simulate(s, 128, 128, quick ? 0.25 : 2.0);
    const double perInput = (many.cycleUs - one.cycleUs) / 127.0;
    capacity.push_back(findCapacity(s, 128, perInput, one.cycleUs - perInput, quick ? 3.0 : 30.0, quick ? 2 : 5));
  }

  std::printf("{\n  \"benchmark\": \"mix\",\n  \"sampleRate\": 48000,\n  \"periodFrames\": 256,\n"
              "  \"channels\": 2,\n  \"quick\": %s,\n  \"cases\": [\n", quick ? "true" : "false");
  for (std::size_t i = 0; i < results.size(); ++i) printResult(results[i], i + 1 == results.size());
  std::printf("  ],\n  \"periods\": [\n");
  for (std::size_t i = 0; i < periods.size(); ++i) printResult(periods[i], i + 1 == periods.size());
  std::printf("  ],\n  \"capacity\": [\n");
  for (std::size_t i = 0; i < capacity.size(); ++i) printCapacity(capacity[i], i + 1 == capacity.size());
  // Ratios in the same run: how the cost scales with inputs, and what generation adds.
  auto find = [&](Shape s, int n, int master = -1) -> const Result& {
    for (const auto& r : results)
      if (r.shape == s && r.inputs == n && r.master == master) return r;
    return results.front();
  };
  std::printf("  ],\n  \"ratios\": {\n");
  std::printf("    \"cycle_128_over_1_silence\": %.2f,\n", find(Shape::Silence, 128).cycleUs / find(Shape::Silence, 1).cycleUs);
  std::printf("    \"cycle_128_over_1_sine\": %.2f,\n", find(Shape::Sine, 128).cycleUs / find(Shape::Sine, 1).cycleUs);
  std::printf("    \"sine_over_silence_128\": %.2f,\n", find(Shape::Sine, 128).cycleUs / find(Shape::Silence, 128).cycleUs);
  std::printf("    \"strip_over_sine_128\": %.2f,\n", find(Shape::Strip, 128).cycleUs / find(Shape::Sine, 128).cycleUs);
  std::printf("    \"cycle_16_over_256_per_frame\": %.2f\n",
              (periods.front().cycleUs / periods.front().periodFrames) / (periods.back().cycleUs / periods.back().periodFrames));
  std::printf("  },\n");
  // The strip per input and the master chain, in ns per stereo frame (goal: a strip under 30 ns).
  const double stripNs = (find(Shape::Strip, 128).cycleUs - find(Shape::Sine, 128).cycleUs) * 1000.0 / 128 / 256;
  const double masterNs =
      (find(Shape::Silence, 1, 1).cycleUs - find(Shape::Silence, 1, 0).cycleUs) * 1000.0 / 256;
  std::printf("  \"dsp_ns_per_frame\": {\"strip_per_input_128\": %.2f, \"master_chain\": %.2f},\n", stripNs, masterNs);
  std::printf("  \"goals\": {\"strip_under_30ns\": %s}\n}\n", stripNs < 30 ? "true" : "false");
  return 0;
}
