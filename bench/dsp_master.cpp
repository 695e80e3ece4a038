// bench_dsp_master: the cost of the master's DSP per stereo frame at 48 kHz, for 128- and
// 256-frame cycles: the true-peak limiter (limiting, and bypassed), the loudness meter (K-weighting,
// gating, 4x true peak) and the peak programme meter, and what a loudness reset costs (it clears
// the histograms). Prints JSON; "x_realtime" is how many such stages one core could run at 48 kHz.
//   bench_dsp_master [--quick]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/realtime/dsp/limiter.hpp"
#include "engine/realtime/dsp/loudness_meter.hpp"
#include "engine/realtime/dsp/peak_meter.hpp"

using namespace ringmix::engine;

namespace {

constexpr double kRate = 48000.0;
constexpr double kPi = 3.14159265358979323846;

// Ten seconds of programme-like input that keeps the limiter busy: tones and noise peaking
// ~6 dB over the ceiling, with quieter stretches.
std::vector<float> input() {
  const std::size_t frames = static_cast<std::size_t>(10 * kRate);
  std::vector<float> x(frames * 2);
  std::mt19937 rng(1);
  std::normal_distribution<float> g(0.0f, 0.1f);
  for (std::size_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / kRate;
    const double level = (static_cast<int>(t * 2) % 3 == 0) ? 0.2 : 1.6;
    const double s = std::sin(2 * kPi * 220 * t) + 0.5 * std::sin(2 * kPi * 3300 * t);
    x[2 * i] = static_cast<float>(level * (0.6 * s + g(rng)));
    x[2 * i + 1] = static_cast<float>(level * (0.6 * s - g(rng)));
  }
  return x;
}

struct Result {
  std::string stage;
  std::uint32_t block;
  double nsPerFrame;
};

template <typename F>
Result run(const char* stage, std::uint32_t block, const std::vector<float>& x, double seconds, F&& processBlock) {
  std::vector<float> buf(static_cast<std::size_t>(block) * 2);
  const std::size_t frames = x.size() / 2;
  const auto total = static_cast<std::uint64_t>(seconds * kRate);
  // Warm up, then time.
  std::size_t pos = 0;
  auto step = [&] {
    if (pos + block > frames) pos = 0;
    std::memcpy(buf.data(), &x[pos * 2], buf.size() * sizeof(float));
    processBlock(buf.data(), block);
    pos += block;
  };
  for (int i = 0; i < 200; ++i) step();
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t done = 0;
  for (; done < total; done += block) step();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The copy into the buffer is part of the timing; it costs ~0.1 ns per frame.
  return {stage, block, wall * 1e9 / static_cast<double>(done)};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const double seconds = quick ? 2.0 : 60.0;  // of audio per case
  const auto x = input();
  std::vector<Result> results;
  double sink = 0.0;
  for (std::uint32_t block : {128u, 256u}) {
    std::fprintf(stderr, "bench_dsp_master: %u-frame blocks...\n", block);
    auto limiter = std::make_unique<TruePeakLimiter>();
    limiter->configure(kRate, 2);
    results.push_back(run("limiter", block, x, seconds, [&](float* b, std::uint32_t n) {
      limiter->process(b, n);
      sink += limiter->gainReductionDb();
    }));
    limiter->set({false, -1.0, 50});
    results.push_back(run("limiter_bypassed", block, x, seconds, [&](float* b, std::uint32_t n) { limiter->process(b, n); }));
    auto loudness = std::make_unique<LoudnessMeter>();
    loudness->configure(kRate, 2);
    results.push_back(run("loudness_meter", block, x, seconds, [&](float* b, std::uint32_t n) {
      loudness->add(b, n);
      sink += loudness->momentaryLufs();
    }));
    auto peaks = std::make_unique<PeakProgrammeMeter>();
    peaks->configure(kRate, 2);
    results.push_back(run("peak_meter", block, x, seconds, [&](float* b, std::uint32_t n) {
      peaks->add(b, n);
      sink += peaks->holdDb(0);
    }));
    auto detector = std::make_unique<TruePeakDetector>();
    detector->configure(2);
    results.push_back(run("true_peak_detector", block, x, seconds, [&](float* b, std::uint32_t n) { sink += detector->process(b, n); }));
  }
  // mixer.resetLoudness() runs LoudnessMeter::reset() in the cycle: it clears the histograms.
  double resetUs = 0.0;
  {
    auto loudness = std::make_unique<LoudnessMeter>();
    loudness->configure(kRate, 2);
    const int n = quick ? 50 : 500;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      loudness->reset();
      sink += loudness->momentaryLufs();
    }
    resetUs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() * 1e6 / n;
  }
  if (sink == 12345.678) std::fprintf(stderr, " ");  // keep the work observable
  std::printf("{\n  \"benchmark\": \"dsp_master\",\n  \"sampleRate\": 48000,\n  \"channels\": 2,\n  \"quick\": %s,\n  \"cases\": [\n",
              quick ? "true" : "false");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    std::printf("    {\"stage\": \"%s\", \"block\": %u, \"ns_per_stereo_frame\": %.2f, \"us_per_block\": %.3f, "
                "\"x_realtime\": %.0f}%s\n",
                r.stage.c_str(), r.block, r.nsPerFrame, r.nsPerFrame * r.block / 1000.0, 1e9 / (r.nsPerFrame * kRate),
                i + 1 < results.size() ? "," : "");
  }
  std::printf("  ],\n  \"loudness_reset_us\": %.2f\n}\n", resetUs);
  return 0;
}
