// bench_dsp: what the channel strip's DSP blocks cost, in ns per stereo frame at 48 kHz, for
// blocks of 128 and 256 frames: each block alone (all enabled) and the full strip (24 dB/octave
// high-pass → 3-band EQ → gate → compressor), against the goal of 30 ns per frame per input.
// The signal keeps every block working: noise at about -12 dBFS RMS (peaks near -2 dBFS) over a
// compressor threshold of -20 dBFS, so the compressor's log/exp path runs on nearly every sample,
// and over the gate's threshold, so the gate is open (its per-sample work is the same either way).
// `compressor_rising` is its worst case: a level rising on every sample (each one a new peak), so
// the curve's log runs every sample instead of when the held peak changes.
// A case's figure is the fastest of several repetitions (the least disturbed by the rest of the
// machine, which is reported too); the copy of each block's input is timed apart and taken out.
//   bench_dsp [--quick]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/stats.hpp"
#include "common/sysload.hpp"
#include "engine/realtime/dsp/compressor.hpp"
#include "engine/realtime/dsp/equalizer.hpp"
#include "engine/realtime/dsp/gate.hpp"
#include "engine/realtime/dsp/high_pass.hpp"

using namespace ringmix::engine::dsp;

namespace {

constexpr double kFs = 48000.0;
constexpr double kGoalNs = 30.0;

struct Strip {
  HighPass hp;
  Equalizer eq;
  Gate gate;
  Compressor comp;
  bool useHp, useEq, useGate, useComp;

  explicit Strip(unsigned mask) : useHp(mask & 1), useEq(mask & 2), useGate(mask & 4), useComp(mask & 8) {
    hp.configure(kFs, 2, 480);
    eq.configure(kFs, 2, 480);
    gate.configure(kFs, 2, 480);
    comp.configure(kFs, 2, 480);
    hp.set({useHp, 80, 24});
    eq.set({useEq, {120, 3, 0.7071}, {2500, -4, 1.2}, {9000, 2.5, 0.7071}});
    gate.set({useGate, -60, 40, 1, 50, 100});
    comp.set({useComp, -20, 4, 5, 80, 6, 3});
    hp.reset();
    eq.reset();
    gate.reset();
    comp.reset();
  }
  void process(float* io, std::uint32_t n) {
    // The order of the strip: filters, then dynamics (all four are called, as the strip would;
    // disabled ones return at once).
    hp.process(io, n);
    eq.process(io, n);
    gate.process(io, n);
    comp.process(io, n);
  }
};

struct Result {
  std::string name;
  std::uint32_t block;
  double nsPerFrame, worstNsPerFrame;
};

// |x| rising on every frame from -40 to -2 dBFS over the buffer, sign alternating.
std::vector<float> rising(std::size_t frames) {
  std::vector<float> x(frames * 2);
  for (std::size_t f = 0; f < frames; ++f) {
    const double db = -40.0 + 38.0 * static_cast<double>(f) / static_cast<double>(frames);
    x[2 * f] = x[2 * f + 1] = static_cast<float>((f % 2 ? -1.0 : 1.0) * std::pow(10.0, db / 20.0));
  }
  return x;
}

std::vector<float> noise(std::size_t frames) {
  std::vector<float> x(frames * 2);
  std::uint32_t s = 1;
  for (auto& v : x) {
    s = s * 1664525u + 1013904223u;
    v = (static_cast<float>(s >> 8) / 16777216.0f - 0.5f) * 0.87f;  // uniform ±0.435: -12 dBFS RMS
  }
  return x;
}

// ns per frame of `work(block)` over `frames` frames, fastest and slowest of `reps` passes.
template <typename Work>
std::pair<double, double> time(std::size_t frames, std::uint32_t block, int reps, Work&& work) {
  double best = 1e30, worst = 0.0;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t f = 0; f + block <= frames; f += block) work(f);
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, ns / static_cast<double>(frames));
    worst = std::max(worst, ns / static_cast<double>(frames));
  }
  return {best, worst};
}

Result run(const char* name, unsigned mask, std::uint32_t block, const std::vector<float>& src, int reps) {
  Strip strip(mask);
  const std::size_t frames = src.size() / 2;
  std::vector<float> buf(block * 2);
  const auto copy = [&](std::size_t f) {
    std::memcpy(buf.data(), src.data() + 2 * f, block * 2 * sizeof(float));
    ringmix::bench::doNotOptimize(buf.data());
  };
  const auto full = [&](std::size_t f) {
    copy(f);
    strip.process(buf.data(), block);
    ringmix::bench::doNotOptimize(buf.data());
  };
  time(frames / 4, block, 1, full);  // warm up: caches, branch predictors, settled parameters
  const auto copyNs = time(frames, block, reps, copy).first;
  const auto [ns, worst] = time(frames, block, reps, full);
  return {name, block, ns - copyNs, worst - copyNs};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::vector<float> src = noise(quick ? 48000 : 4 * 48000), ramp = rising(quick ? 48000 : 4 * 48000);
  const int reps = quick ? 3 : 9;
  struct Case {
    const char* name;
    unsigned mask;
  };
  const Case cases[] = {{"bypassed", 0},    {"highpass24", 1},        {"eq3", 2}, {"gate", 4},
                        {"compressor", 8}, {"compressor_rising", 8}, {"strip", 15}};
  std::vector<Result> results;
  const auto load0 = ringmix::bench::LoadProbe::sample();
  for (std::uint32_t block : {128u, 256u})
    for (const Case& c : cases) {
      std::fprintf(stderr, "bench_dsp: %s, %u-frame blocks...\n", c.name, block);
      results.push_back(run(c.name, c.mask, block, std::strcmp(c.name, "compressor_rising") == 0 ? ramp : src, reps));
    }
  // Other processes' share of the machine over the whole run (10 ms ticks: too coarse per case).
  const auto load = ringmix::bench::LoadProbe::between(load0, ringmix::bench::LoadProbe::sample());
  std::printf("{\n  \"benchmark\": \"dsp\",\n  \"sampleRate\": 48000,\n  \"channels\": 2,\n  \"quick\": %s,\n"
              "  \"goal_ns_per_frame\": %.0f,\n  \"others_load\": %.2f,\n  \"cases\": [\n",
              quick ? "true" : "false", kGoalNs, load.others);
  bool met = true;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    if (r.name == "strip") met = met && r.nsPerFrame <= kGoalNs;
    std::printf("    {\"case\": \"%s\", \"block\": %u, \"ns_per_frame\": %.2f, \"slowest_pass_ns_per_frame\": %.2f, "
                "\"x_realtime\": %.0f}%s\n",
                r.name.c_str(), r.block, r.nsPerFrame, r.worstNsPerFrame, 1e9 / kFs / r.nsPerFrame,
                i + 1 < results.size() ? "," : "");
  }
  std::printf("  ],\n  \"strip_meets_goal\": %s\n}\n", met ? "true" : "false");
  return 0;
}
