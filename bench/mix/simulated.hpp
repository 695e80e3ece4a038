// The mix cycle's cost on the simulated clock: no real time, no threads, as fast as one core goes.
#pragma once

#include <chrono>
#include <cstdio>

#include "setup.hpp"

namespace mixbench {

struct Result {
  Shape shape;
  int inputs;
  std::uint32_t periodFrames;
  int master;  // as makeMixer()
  double audioSeconds;
  double wallSeconds;
  double cycleUs;
  double perInputUs;
  double nsPerFramePerInput;
  double xRealtime;
};

inline Result simulate(Shape shape, int inputs, std::uint32_t periodFrames, double seconds, int master = -1) {
  auto e = makeMixer(engine::ClockMode::Simulated, periodFrames, shape, inputs, master);
  const std::uint32_t rate = e->config().sampleRate;
  e->advance(rate);  // warm up: caches, jitter buffers, ramps settled
  const auto frames = static_cast<std::uint64_t>(seconds * rate) / periodFrames * periodFrames;
  const auto t0 = std::chrono::steady_clock::now();
  e->advance(frames);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cycles = static_cast<double>(frames) / periodFrames;
  Result r{shape, inputs, periodFrames, master, static_cast<double>(frames) / rate, wall, 0, 0, 0, 0};
  r.cycleUs = wall * 1e6 / cycles;
  r.perInputUs = r.cycleUs / inputs;
  r.nsPerFramePerInput = r.perInputUs * 1000.0 / periodFrames;
  r.xRealtime = r.audioSeconds / wall;
  // Keep the result observable so nothing is optimised away.
  if (e->metrics().frames != frames + rate) std::fprintf(stderr, "frame count mismatch\n");
  return r;
}

}  // namespace mixbench
