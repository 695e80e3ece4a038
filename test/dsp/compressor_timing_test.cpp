// The compressor in time, from per-sample gain traces of square waves (|x| constant, so
// |out| / |in| is the gain at every sample): attack and release time constants (the 63 % point
// of the gain reduction's step response) within 10 %; parameter changes and enable/disable move
// the gain gradually (a per-sample limit that an instant change breaks, shown alongside).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "analysis.hpp"
#include "engine/realtime/dsp/compressor.hpp"

using namespace ringmix::engine::dsp;

namespace {

// Gain reduction trace (dB, ≥ 0 when compressing) of a square wave whose level steps.
std::vector<double> grTrace(double fs, Compressor& c, const std::vector<std::size_t>& starts, const std::vector<double>& levelsDb,
                            std::size_t frames, std::size_t changeAt = 0, const CompressorParams* change = nullptr) {
  std::vector<double> amps;
  for (double l : levelsDb) amps.push_back(dsptest::fromDb(l));
  const std::vector<float> in = dsptest::steppedSquare(fs, 1000, starts, amps, frames);
  std::vector<float> out = in;
  for (std::size_t f = 0; f < frames; f += 256) {
    if (change != nullptr && f == changeAt) c.set(*change);
    c.process(out.data() + 2 * f, static_cast<std::uint32_t>(std::min<std::size_t>(256, frames - f)));
  }
  std::vector<double> g = dsptest::gainTraceDb(in, out, 2);
  for (double& v : g) v = -v;
  return g;
}

double maxStep(const std::vector<double>& trace, std::size_t from, std::size_t to) {
  double m = 0.0;
  for (std::size_t i = from + 1; i < to; ++i) m = std::max(m, std::fabs(trace[i] - trace[i - 1]));
  return m;
}

}  // namespace

TEST_CASE("attack and release time constants: the 63 % point of the step response, within 10 %") {
  // Threshold -20, ratio 4, hard knee: a step -40 -> 0 dBFS asks for 15 dB of reduction.
  struct Case {
    double attackMs, releaseMs;
  };
  double worst = 0.0;
  for (double fs : {44100.0, 48000.0}) {
    for (const Case k : {Case{1, 500}, Case{10, 500}, Case{100, 500}, Case{1, 50}, Case{10, 50}}) {
      Compressor c;
      c.configure(fs, 2, 480);
      c.set({true, -20, 4, k.attackMs, k.releaseMs, 0, 0});
      const auto up = static_cast<std::size_t>(0.1 * fs);
      const auto down = up + static_cast<std::size_t>((10 * k.attackMs + 20) * 0.001 * fs);
      const auto frames = down + static_cast<std::size_t>(8 * k.releaseMs * 0.001 * fs);
      const std::vector<double> gr = grTrace(fs, c, {0, up, down}, {-40, 0, -40}, frames);
      const double full = gr[down - 1];
      CHECK(full == doctest::Approx(15.0).epsilon(0.01));
      const double tA = (dsptest::firstWhere(gr, up, [&](double v) { return v >= (1.0 - 1.0 / std::numbers::e) * full; }) - up + 1) * 1000.0 / fs;
      const double tR = (dsptest::firstWhere(gr, down, [&](double v) { return v <= full / std::numbers::e; }) - down + 1) * 1000.0 / fs;
      CAPTURE(fs);
      CAPTURE(k.attackMs);
      CAPTURE(k.releaseMs);
      MESSAGE("fs " << fs << ": attack " << k.attackMs << " ms measured " << tA << " ms; release " << k.releaseMs
                    << " ms measured " << tR << " ms");
      CHECK(tA == doctest::Approx(k.attackMs).epsilon(0.1));
      CHECK(tR == doctest::Approx(k.releaseMs).epsilon(0.1));
      worst = std::max({worst, std::fabs(tA / k.attackMs - 1.0), std::fabs(tR / k.releaseMs - 1.0)});
      CHECK(gr[frames - 1] < 0.01);  // fully released
    }
  }
  MESSAGE("time constants: worst relative error " << worst * 100.0 << " %");
}

TEST_CASE("threshold, ratio and knee changes move the gain gradually, makeup ramps") {
  const double fs = 48000.0;
  const std::size_t frames = 48000, at = 94 * 256;
  const CompressorParams before{true, -20, 4, 10, 100, 6, 0};
  for (const CompressorParams after : {CompressorParams{true, -40, 4, 10, 100, 6, 0}, CompressorParams{true, -20, 20, 10, 100, 0, 0},
                                       CompressorParams{true, -20, 4, 10, 100, 6, 12}}) {
    Compressor c;
    c.configure(fs, 2, 480);
    c.set(before);
    c.reset();
    std::vector<double> gr = grTrace(fs, c, {0}, {-6}, frames, at, &after);
    const double moved = std::fabs(gr[frames - 1] - gr[at - 1]);
    CAPTURE(after.thresholdDb);
    CAPTURE(after.ratio);
    CAPTURE(after.makeupDb);
    CHECK(moved > 2.5);  // 20 dB lower threshold: +15 dB; ratio 20: +2.8 dB; makeup: +12 dB
    CHECK(maxStep(gr, at - 1, frames) < 0.1);  // attack 10 ms: at most ~1/480 of the change per sample
  }
  // The measure catches a jump: with no attack smoothing a threshold change lands in one sample.
  Compressor instant;
  instant.configure(fs, 2, 480);
  instant.set({true, -20, 4, 0, 100, 6, 0});
  const CompressorParams lower{true, -40, 4, 0, 100, 6, 0};
  CHECK(maxStep(grTrace(fs, instant, {0}, {-6}, frames, at, &lower), at - 1, frames) > 5.0);
}

TEST_CASE("enabling and disabling crossfade with the dry signal, bypassed the audio is untouched") {
  const double fs = 48000.0;
  const std::size_t frames = 48000, on = 47 * 256, off = 141 * 256;
  Compressor c;
  c.configure(fs, 2, 480);
  CompressorParams p{true, -20, 4, 1, 50, 6, 0};
  const std::vector<float> in = dsptest::tone(fs, 1000, dsptest::fromDb(-6), frames, 2, true);
  std::vector<float> out = in;
  for (std::size_t f = 0; f < frames; f += 256) {
    if (f == on) c.set(p);
    if (f == off) {
      p.enabled = false;
      c.set(p);
    }
    c.process(out.data() + 2 * f, 256 > frames - f ? static_cast<std::uint32_t>(frames - f) : 256u);
  }
  std::vector<double> gr = dsptest::gainTraceDb(in, out, 2);
  CHECK(std::fabs(gr[on - 1]) < 1e-6);                          // disabled: unity
  CHECK(-gr[off - 1] == doctest::Approx(10.5).epsilon(0.01));     // enabled: the curve
  CHECK(maxStep(gr, on, off + 2000) < 0.1);                      // no jump either way
  for (std::size_t f = off + 480; f < frames; ++f) REQUIRE(out[2 * f] == in[2 * f]);  // bypassed exactly
}
