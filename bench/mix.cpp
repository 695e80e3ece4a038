// bench_mix: how fast the mix cycle runs, on the simulated clock (no real time, no threads), for
// 1, 8, 32 and 128 inputs. Prints JSON. Two input kinds separate the mixer's own cost from the
// generators': `silence` (generator does nothing: this is ring pull + strip + sum + meters +
// publish) and `sine` (adds one sin() per frame per input). Figures are per cycle of 256 frames at
// 48 kHz (5.33 ms of audio), so "x_realtime" is how many such mixers one core could run.
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

Result run(const char* kind, engine::GeneratorKind gen, int inputs, double seconds) {
  engine::EngineConfig c;  // 48 kHz, 256 frames, stereo
  engine::Engine e(c, engine::ClockMode::Simulated);
  for (int i = 0; i < inputs; ++i) {
    engine::InputSpec s;
    s.generator.kind = gen;
    s.generator.frequency = 100.0 + 37.0 * i;
    s.strip.pan = (i % 5 - 2) / 2.0;
    s.strip.gainDb = -static_cast<double>(i % 12);
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
  }
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
  std::printf("    \"sine_over_silence_128\": %.2f\n", find("sine", 128).cycleUs / find("silence", 128).cycleUs);
  std::printf("  }\n}\n");
  return 0;
}
