// bench_mix: how fast the mix cycle runs, on the simulated clock (no real time, no threads), for
// 1, 8, 32 and 128 inputs. Prints JSON. Two input kinds separate the mixer's own cost from the
// generators': `silence` (generator does nothing: this is ring pull + strip + sum + meters +
// publish) and `sine` (adds one sin() per frame per input); `strip` is `sine` with every block of
// the strip on (24 dB/oct high-pass, 3-band EQ, gate, compressor), so strip - sine is the strip's
// cost. The master chain's cost (EQ, compressor, limiter) is one silent input with the chain on
// against a mixer without a limiter stage and the master EQ and compressor bypassed. Figures are
// per cycle of 256 frames at 48 kHz (5.33 ms of audio), so "x_realtime" is how many such mixers
// one core could run.
//   bench_mix [--quick]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "engine/control/engine.hpp"

using namespace ringmix;

namespace {

struct Result {
  std::string kind;
  int inputs;
  double audioSeconds;
  double wallSeconds;
  double cycleUs;
  double perInputUs;
  double xRealtime;
};

// Every block of an input's strip on, at settings that make each one work (the compressor and
// gate act on the tones' levels).
engine::InputDspParams fullStrip() {
  engine::InputDspParams d;
  d.highPass = {true, 80, 24};
  d.gate = {true, -60, 40, 1, 50, 100};
  d.eq = {true, {120, 3, 0.7071}, {1500, -4, 1.2}, {9000, 2, 0.7071}};
  d.compressor = {true, -24, 4, 10, 100, 6, 3};
  return d;
}

Result run(const char* kind, engine::GeneratorKind gen, int inputs, double seconds, bool strip = false,
           int master = -1 /* -1: default; 0: no limiter stage, chain bypassed; 1: EQ, compressor, limiter on */) {
  engine::EngineConfig c;  // 48 kHz, 256 frames, stereo
  if (master == 0) c.masterLimiter = false;
  engine::Engine e(c, engine::ClockMode::Simulated);
  if (master == 1) {
    engine::MasterDspParams m;
    m.eq = fullStrip().eq;
    m.compressor = fullStrip().compressor;
    e.setMasterDsp(m);
  }
  for (int i = 0; i < inputs; ++i) {
    engine::InputSpec s;
    s.generator.kind = gen;
    s.generator.frequency = 100.0 + 37.0 * i;
    s.strip.pan = (i % 5 - 2) / 2.0;
    s.strip.gainDb = -static_cast<double>(i % 12);
    if (strip) s.dsp = fullStrip();
    e.addInput(s);
  }
  e.advance(c.sampleRate);  // warm up: caches, jitter buffers, ramps settled
  const auto frames = static_cast<std::uint64_t>(seconds * c.sampleRate);
  const auto t0 = std::chrono::steady_clock::now();
  e.advance(frames);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cycles = static_cast<double>(frames) / c.periodFrames;
  Result r;
  r.kind = kind;
  r.inputs = inputs;
  r.audioSeconds = seconds;
  r.wallSeconds = wall;
  r.cycleUs = wall * 1e6 / cycles;
  r.perInputUs = r.cycleUs / inputs;
  r.xRealtime = seconds / wall;
  // Keep the result observable so nothing is optimised away.
  if (e.metrics().frames != frames + c.sampleRate) std::fprintf(stderr, "frame count mismatch\n");
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  std::vector<Result> results;
  for (int n : {1, 8, 32, 128}) {
    // Aim for a similar amount of work per case.
    const double seconds = (quick ? 2.0 : 30.0) * (n >= 32 ? 0.25 : 1.0);
    std::fprintf(stderr, "bench_mix: %d inputs...\n", n);
    results.push_back(run("silence", engine::GeneratorKind::Silence, n, seconds));
    results.push_back(run("sine", engine::GeneratorKind::Sine, n, seconds));
    results.push_back(run("strip", engine::GeneratorKind::Sine, n, seconds, true));
  }
  const double masterSeconds = quick ? 2.0 : 30.0;
  results.push_back(run("master_off", engine::GeneratorKind::Silence, 1, masterSeconds, false, 0));
  results.push_back(run("master_on", engine::GeneratorKind::Silence, 1, masterSeconds, false, 1));
  std::printf("{\n  \"benchmark\": \"mix\",\n  \"sampleRate\": 48000,\n  \"periodFrames\": 256,\n"
              "  \"channels\": 2,\n  \"quick\": %s,\n  \"cases\": [\n", quick ? "true" : "false");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    std::printf("    {\"source\": \"%s\", \"inputs\": %d, \"audio_s\": %.2f, \"wall_s\": %.4f, "
                "\"cycle_us\": %.3f, \"per_input_us\": %.4f, \"x_realtime\": %.1f}%s\n",
                r.kind.c_str(), r.inputs, r.audioSeconds, r.wallSeconds, r.cycleUs, r.perInputUs,
                r.xRealtime, i + 1 < results.size() ? "," : "");
  }
  // Ratios in the same run: how the cost scales with inputs, and what generation adds.
  auto find = [&](const char* k, int n) -> const Result& {
    for (const auto& r : results)
      if (r.kind == k && r.inputs == n) return r;
    return results.front();
  };
  std::printf("  ],\n  \"ratios\": {\n");
  std::printf("    \"cycle_128_over_1_silence\": %.2f,\n", find("silence", 128).cycleUs / find("silence", 1).cycleUs);
  std::printf("    \"cycle_128_over_1_sine\": %.2f,\n", find("sine", 128).cycleUs / find("sine", 1).cycleUs);
  std::printf("    \"sine_over_silence_128\": %.2f,\n", find("sine", 128).cycleUs / find("silence", 128).cycleUs);
  std::printf("    \"strip_over_sine_128\": %.2f\n", find("strip", 128).cycleUs / find("sine", 128).cycleUs);
  std::printf("  },\n");
  // The strip per input and the master chain, in ns per stereo frame (goal: a strip under 30 ns).
  const double stripNs = (find("strip", 128).cycleUs - find("sine", 128).cycleUs) * 1000.0 / 128 / 256;
  const double masterNs = (find("master_on", 1).cycleUs - find("master_off", 1).cycleUs) * 1000.0 / 256;
  std::printf("  \"dsp_ns_per_frame\": {\"strip_per_input_128\": %.2f, \"master_chain\": %.2f},\n", stripNs, masterNs);
  std::printf("  \"goals\": {\"strip_under_30ns\": %s}\n}\n", stripNs < 30 ? "true" : "false");
  return 0;
}
