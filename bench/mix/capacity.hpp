// Real-time capacity: the most inputs a mixer runs on its virtual (real-time) clock at 48 kHz and
// 128-frame periods with zero xruns and the mix cycle's mean DSP load under 50 %. Each probe runs
// a real mixer for `seconds` (its clock thread and the virtual devices' thread at their real-time
// priorities, as in use); the first probe is predicted from the simulated clock's cycle cost,
// then the count moves by 15 % steps until the boundary is bracketed. Each probe's first second
// (start-up) is not measured.
#pragma once

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "setup.hpp"

namespace mixbench {

struct Probe {
  int inputs = 0;
  double seconds = 0;
  std::uint64_t xruns = 0, skipped = 0;
  double loadMean = 0;  // cycle time mean / period
  double loadMax = 0;   // the largest per-second maximum cycle time seen / period
  bool realtime = false;
  bool ok() const { return xruns == 0 && skipped == 0 && loadMean < 0.5; }
};

struct Capacity {
  Shape shape;
  std::uint32_t periodFrames;
  int predicted;
  int limit;  // kMaxInputs: the search stops there
  std::vector<Probe> probes;
  int best() const {
    int b = 0;
    for (const auto& p : probes)
      if (p.ok() && p.inputs > b) b = p.inputs;
    return b;
  }
};

inline Probe probe(Shape shape, std::uint32_t periodFrames, int inputs, double seconds) {
  auto e = makeMixer(engine::ClockMode::Virtual, periodFrames, shape, inputs);
  e->start();
  Probe p;
  p.inputs = inputs;
  p.seconds = seconds;
  const double periodUs = 1e6 * periodFrames / e->config().sampleRate;
  // The first second is start-up (every input's memory touched for the first time, jitter
  // buffers filling) and does not count: xruns and cycle times are measured after it.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto warm = e->metrics();
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  // The per-second maximum, sampled twice a second (metrics keep the last half-second to second).
  while (std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto m = e->metrics();
    p.loadMax = std::max(p.loadMax, m.cycleUsMax / periodUs);
  }
  const auto m = e->metrics();
  p.xruns = m.xruns - warm.xruns;
  p.skipped = m.skippedCycles - warm.skippedCycles;
  // Mean over the measured span, from the running means and cycle counts.
  const double cycles = static_cast<double>(m.cycles - warm.cycles);
  p.loadMean = cycles > 0 ? (m.cycleUsMean * m.cycles - warm.cycleUsMean * warm.cycles) / cycles / periodUs : 0.0;
  p.realtime = m.realtimePriority != 0;
  e->close();
  return p;
}

// costPerInputUs and fixedUs: the simulated clock's cycle cost per input and without inputs, at
// this period, for the first guess.
inline Capacity findCapacity(Shape shape, std::uint32_t periodFrames, double costPerInputUs, double fixedUs,
                             double seconds, int maxProbes) {
  Capacity c{shape, periodFrames, 0, static_cast<int>(engine::kMaxInputs), {}};
  const double periodUs = 1e6 * periodFrames / 48000.0;
  int n = static_cast<int>((0.5 * periodUs - fixedUs) / costPerInputUs);
  n = std::max(1, std::min(n, c.limit));
  c.predicted = n;
  int lo = 0, hi = c.limit + 1;  // lo passed, hi failed
  for (int i = 0; i < maxProbes && hi - lo > std::max(1, lo / 20); ++i) {
    std::fprintf(stderr, "bench_mix: capacity (%s, %u frames): %d inputs for %.0f s...\n", shapeName(shape),
                 periodFrames, n, seconds);
    const Probe p = probe(shape, periodFrames, n, seconds);
    c.probes.push_back(p);
    if (p.ok()) lo = n;
    else hi = n;
    if (lo >= c.limit) break;
    // Next: 15 % beyond the last pass (or short of the last failure), or between the two.
    int next = hi > c.limit ? static_cast<int>(lo * 1.15) + 1 : lo == 0 ? static_cast<int>(hi * 0.85) : (lo + hi) / 2;
    next = std::min(next, c.limit);
    if (next <= lo || next >= hi) break;
    n = next;
  }
  return c;
}

}  // namespace mixbench
