// Running the limiter over whole signals in the tests, and reading true peaks of its output.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/realtime/dsp/limiter.hpp"
#include "engine/realtime/dsp/true_peak.hpp"
#include "signals.hpp"

namespace dsptest {

using ringmix::engine::LimiterParams;
using ringmix::engine::TruePeakDetector;
using ringmix::engine::TruePeakLimiter;

inline std::unique_ptr<TruePeakLimiter> makeLimiter(double fs, unsigned ch, LimiterParams p = {}) {
  auto l = std::make_unique<TruePeakLimiter>();
  l->set(p);
  l->configure(fs, ch);
  return l;
}

// The limiter's output for x, realigned (its latency taken out: the input is followed by
// latency frames of silence and the first latency frames of output dropped).
inline std::vector<float> runAligned(TruePeakLimiter& l, std::vector<float> x, unsigned ch, std::uint32_t block = 256) {
  const std::size_t frames = x.size() / ch;
  x.resize(x.size() + static_cast<std::size_t>(l.latencyFrames()) * ch, 0.0f);
  const std::size_t total = x.size() / ch;
  for (std::size_t i = 0; i < total; i += block)
    l.process(&x[i * ch], static_cast<std::uint32_t>(std::min<std::size_t>(block, total - i)));
  return std::vector<float>(x.begin() + static_cast<std::ptrdiff_t>(l.latencyFrames()) * ch,
                            x.begin() + static_cast<std::ptrdiff_t>(l.latencyFrames() + frames) * ch);
}

// What the engine's own 4x detector reads of a signal (flushed with silence).
inline double detectorDb(const std::vector<float>& x, unsigned ch) {
  TruePeakDetector d;
  d.configure(ch);
  float p = d.process(x.data(), static_cast<std::uint32_t>(x.size() / ch));
  const std::vector<float> tail(TruePeakDetector::kTaps * ch, 0.0f);
  p = std::max(p, d.process(tail.data(), TruePeakDetector::kTaps));
  return p > 0.0f ? toDb(p) : -1000.0;
}

}  // namespace dsptest
