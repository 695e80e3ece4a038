// Generators on the simulated clock's own clock are rendered by the cycle itself ("direct", see
// VirtualSource::enableDirect()). Checked against the same mixer with them going through their
// rings (EngineConfig::directGenerators = false): the same mix sample for sample once the ring has
// primed, and, when the clock is skewed mid-run, a ring that takes the signal up without a seam.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>
#include <vector>

#include "engine/control/engine.hpp"

using namespace ringmix;

namespace {

struct Run {
  std::vector<float> out;  // the interleaved stereo mix
  engine::InputMetrics input{};
};

struct Case {
  std::uint32_t period;
  double targetMs;
  engine::GeneratorKind kind;
};

engine::InputSpec spec(engine::GeneratorKind kind, double targetMs) {
  engine::InputSpec s;
  s.generator.kind = kind;
  s.generator.frequency = 997.0;
  s.generator.levelDb = -6.0;
  s.generator.intervalMs = 7.0;  // impulses
  s.targetLatencyMs = targetMs;
  s.strip.pan = 0.3;
  return s;
}

// Something done to the mixer (the generator's id given) once this many frames are mixed.
using Change = std::pair<std::uint64_t, std::function<void(engine::Engine&, std::uint32_t)>>;

// `frames` of the mix with one generator added after `before` frames; at `skewAt` (if any) its
// clock moves to +500 ppm. Advanced in uneven steps, so cycles of every length occur.
Run render(const Case& k, bool direct, std::uint64_t frames, std::uint64_t skewAt = 0,
           const std::vector<Change>& changes = {}) {
  engine::EngineConfig c;
  c.periodFrames = k.period;
  c.masterLimiter = false;
  c.directGenerators = direct;
  engine::Engine e(c, engine::ClockMode::Simulated);
  auto reader = e.output().reader();
  e.advance(3 * k.period + 7);
  const auto id = e.addInput(spec(k.kind, k.targetMs));
  std::vector<float> all(2 * 8192);
  reader.read(all.data(), all.size());  // before the input: not compared
  Run r;
  std::uint64_t done = 0;
  for (std::uint64_t step = 1000; done < frames; step = step == 1000 ? 333 : 1000) {
    std::uint64_t n = std::min(step, frames - done);
    if (skewAt > done && skewAt < done + n) n = skewAt - done;
    if (skewAt != 0 && done == skewAt) e.setClockPpm(id, 500.0);
    for (const auto& [at, change] : changes) {
      if (at > done && at < done + n) n = at - done;
      if (at == done) change(e, id);
    }
    e.advance(n);
    done += n;
    std::vector<float> chunk(2 * n);
    const auto got = reader.read(chunk.data(), chunk.size());
    REQUIRE(got.items == chunk.size());
    r.out.insert(r.out.end(), chunk.begin(), chunk.end());
  }
  r.input = e.metrics().inputs[0];
  e.close();
  return r;
}

}  // namespace

TEST_SUITE("engine-cycle") {
  TEST_CASE("a direct generator plays what its ring would, sample for sample, once the ring has primed") {
    for (const Case k : {Case{128, 0, engine::GeneratorKind::Sine}, Case{16, 0, engine::GeneratorKind::Noise},
                         Case{100, 0, engine::GeneratorKind::Impulses}, Case{256, 0, engine::GeneratorKind::Sine},
                         Case{128, 5.0, engine::GeneratorKind::Noise}, Case{64, 12.5, engine::GeneratorKind::Impulses}}) {
      CAPTURE(k.period);
      CAPTURE(k.targetMs);
      const std::uint64_t frames = 48000;
      const Run ring = render(k, false, frames), direct = render(k, true, frames);
      // The ring primes for up to a few periods and its target fill (silence, or frames dropped).
      const std::size_t from = 2 * (8 * k.period + static_cast<std::size_t>(k.targetMs * 48));
      std::size_t differing = 0;
      for (std::size_t i = from; i < ring.out.size(); ++i) differing += ring.out[i] != direct.out[i];
      CHECK(differing == 0);
      float peak = 0.0f;
      for (std::size_t i = from; i < direct.out.size(); ++i) peak = std::max(peak, std::fabs(direct.out[i]));
      CHECK(peak > 0.2f);  // something was compared
      // Metrics: on the master's clock, no ring; its latency the fill the ring held.
      CHECK(direct.input.locked == 1);
      CHECK(direct.input.fillFrames == 0);
      CHECK(direct.input.ratio == 1.0);
      CHECK(direct.input.clockPpm == 0.0);
      CHECK(direct.input.latencyFrames == doctest::Approx(ring.input.fillFrames).epsilon(0.001));
      CHECK(direct.input.underruns == 0);
      CHECK(direct.input.resyncs == 0);
    }
  }

  TEST_CASE("a direct generator whose clock is skewed goes on through its ring without a seam") {
    for (const std::uint32_t period : {128u, 16u, 256u}) {
      CAPTURE(period);
      const Case k{period, 0, engine::GeneratorKind::Sine};
      const std::uint64_t frames = 10 * 48000, skewAt = 24000;
      const Run ring = render(k, false, frames, skewAt), direct = render(k, true, frames, skewAt);
      // Identical up to the switch, and within what the two drift loops' first corrections make
      // of a -6 dBFS tone for 100 ms after it (they start from different states: the ring's loop
      // ran all along, the direct one's starts at the switch). A seam (a frame dropped or doubled)
      // would differ by up to 0.065.
      for (std::size_t i = 2 * 8 * period; i < 2 * skewAt; ++i) REQUIRE(ring.out[i] == direct.out[i]);
      float worst = 0.0f;
      for (std::size_t i = 2 * skewAt; i < 2 * (skewAt + 4800); ++i) worst = std::max(worst, std::fabs(ring.out[i] - direct.out[i]));
      CHECK(worst < 1e-3f);
      // The tone has no gap or jump anywhere: each sample within the sine's largest step of the last.
      const float step = std::pow(10.0f, -6.0f / 20) * static_cast<float>(2 * M_PI * 997.0 / 48000) * 1.01f;
      float jump = 0.0f;
      for (std::size_t f = skewAt - 1000; f + 1 < frames; ++f)
        jump = std::max(jump, std::fabs(direct.out[2 * f + 2] - direct.out[2 * f]) / step);
      CHECK(jump <= 1.0f);
      // And the ring's drift loop has locked onto the new clock.
      CHECK(direct.input.locked == 1);
      CHECK(direct.input.clockPpm == doctest::Approx(500.0).epsilon(0.01));
      CHECK(direct.input.resyncs == 0);
      CHECK(direct.input.underruns == 0);
      CHECK(direct.input.overruns == 0);
      CHECK(direct.input.fillFrames > 0);
    }
  }

  TEST_CASE("a direct generator skewed before its signal started begins as any device does") {
    // 16-frame periods: direct, the tone starts after 25 frames of silence; skewed after the first cycle.
    const Case k{16, 0, engine::GeneratorKind::Sine};
    const Run r = render(k, true, 48000, 16);
    float peak = 0.0f;
    for (std::size_t i = 2 * 24000; i < r.out.size(); ++i) peak = std::max(peak, std::fabs(r.out[i]));
    CHECK(std::fabs(20 * std::log10(peak) - -6.0) < 0.01);  // the tone's level (right: unity at pan 0.3)
    CHECK(r.input.resyncs == 0);
    CHECK(r.input.fillFrames > 0);
  }

  TEST_CASE("a direct generator's channels mixed and metered as one: the same mix, the same meters") {
    // The one-channel path runs while nothing in the strip moves; a fader ramp, an EQ fading in and
    // out, and another input's compressor listening to this one each send it back through the
    // two-channel path for a while. The mix stays the ring's bit for bit throughout.
    const Case k{128, 0, engine::GeneratorKind::Sine};
    const std::vector<Change> changes = {
        {12000, [](engine::Engine& e, std::uint32_t id) { e.setStrip(id, engine::StripParam::GainDb, -9.0); }},
        {18000, [](engine::Engine& e, std::uint32_t id) { e.setStrip(id, engine::StripParam::Pan, -0.6); }},
        {24000,
         [](engine::Engine& e, std::uint32_t id) {
           engine::InputDspParams d;
           d.eq = {true, {200, 3, 0.7071}, {1000, -4, 1}, {4000, 2, 0.7071}};
           e.setInputDsp(id, d);
         }},
        {30000, [](engine::Engine& e, std::uint32_t id) { e.setInputDsp(id, engine::InputDspParams{}); }},
        {36000,
         [](engine::Engine& e, std::uint32_t id) {
           engine::InputSpec s;
           s.kind = engine::InputSpec::Kind::Push;
           s.channels = 1;
           s.dsp.compressor.enabled = true;
           s.dsp.sidechainId = id;
           e.addInput(s);  // silent itself: only its detector listens
         }},
        {42000, [](engine::Engine& e, std::uint32_t id) { e.setStrip(id, engine::StripParam::Muted, 1.0); }},
        {43000, [](engine::Engine& e, std::uint32_t id) { e.setStrip(id, engine::StripParam::Muted, 0.0); }},
    };
    const std::uint64_t frames = 60000;
    const Run ring = render(k, false, frames, 0, changes), direct = render(k, true, frames, 0, changes);
    std::size_t differing = 0;
    std::size_t first = 0, last = 0;
    for (std::size_t i = 2 * 8 * k.period; i < ring.out.size(); ++i)
      if (ring.out[i] != direct.out[i]) last = i, first = first ? first : i, ++differing;
    CAPTURE(first / 2);
    CAPTURE(last / 2);
    CHECK(differing == 0);
    // The meters read the same signal, their sums taken in another order: equal to float rounding.
    for (std::uint32_t c = 0; c < 2; ++c) {
      CAPTURE(c);
      CHECK(direct.input.peakDb[c] == ring.input.peakDb[c]);
      CHECK(direct.input.rmsDb[c] == doctest::Approx(ring.input.rmsDb[c]).epsilon(1e-6));
      CHECK(direct.input.ppmDb[c] == doctest::Approx(ring.input.ppmDb[c]).epsilon(1e-5));
      CHECK(direct.input.peakHoldDb[c] == doctest::Approx(ring.input.peakHoldDb[c]).epsilon(1e-5));
      CHECK(direct.input.peakDb[c] > -20.0f);
    }
  }
}
