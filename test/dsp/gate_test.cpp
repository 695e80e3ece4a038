// The gate from per-sample gain traces of square waves (|x| constant: |out| / |in| is the gain
// at every sample): closed attenuation = rangeDb, hold to the sample, attack/release as the time
// to cross the whole range linearly in dB (measured between 10 % and 90 % of it) within 10 %, no
// chatter on a signal hovering at the threshold, and gradual changes of range and of on/off.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "analysis.hpp"
#include "engine/realtime/dsp/gate.hpp"

using namespace ringmix::engine::dsp;

namespace {

constexpr double kFs = 48000.0;

struct Run {
  std::vector<float> in, out;
  std::vector<double> gainDb;  // per frame, ≤ 0
};

// A square wave at levels (dBFS) from the given frames on, through a gate; `at(f, gate)` runs at
// each block start (parameter changes).
template <typename At>
Run gateRun(const GateParams& p, const std::vector<std::size_t>& starts, const std::vector<double>& levelsDb, std::size_t frames,
            At&& at, std::uint32_t block = 256) {
  Gate g;
  g.configure(kFs, 2, 480);
  g.set(p);
  g.reset();
  std::vector<double> amps;
  for (double l : levelsDb) amps.push_back(dsptest::fromDb(l));
  Run r{dsptest::steppedSquare(kFs, 1000, starts, amps, frames), {}, {}};
  r.out = r.in;
  for (std::size_t f = 0; f < frames; f += block) {
    at(f, g);
    g.process(r.out.data() + 2 * f, static_cast<std::uint32_t>(std::min<std::size_t>(block, frames - f)));
  }
  r.gainDb = dsptest::gainTraceDb(r.in, r.out, 2);
  return r;
}
Run gateRun(const GateParams& p, const std::vector<std::size_t>& starts, const std::vector<double>& levelsDb, std::size_t frames) {
  return gateRun(p, starts, levelsDb, frames, [](std::size_t, Gate&) {});
}

// How many times the gain crosses half the range (either way): the gate's state changes.
int transitions(const std::vector<double>& gainDb, double rangeDb) {
  int n = 0;
  for (std::size_t i = 1; i < gainDb.size(); ++i)
    if ((gainDb[i] > -rangeDb / 2) != (gainDb[i - 1] > -rangeDb / 2)) ++n;
  return n;
}

}  // namespace

TEST_CASE("closed, the gate attenuates by rangeDb") {
  for (double range : {20.0, 60.0, 80.0}) {
    const GateParams p{true, -50, range, 1, 50, 100};
    const Run r = gateRun(p, {0, 9600}, {-20, -70}, 48000);
    CAPTURE(range);
    CHECK(std::fabs(r.gainDb[9000]) < 1e-6);                              // open
    CHECK(r.gainDb[47999] == doctest::Approx(-range).epsilon(0.5 / range));  // closed: within 0.5 dB
    CHECK(std::fabs(r.gainDb[47999] + range) < 0.01);                     // (in fact to 0.01 dB)
  }
}

TEST_CASE("hold: the gain stays at 0 dB for exactly holdMs after the last loud sample") {
  for (double holdMs : {0.0, 10.0, 50.0, 200.0}) {
    const std::size_t quiet = 12345;  // mid-block, not on a block boundary
    const GateParams p{true, -50, 60, 1, holdMs, 100};
    const Run r = gateRun(p, {0, quiet}, {-20, -70}, 48000);
    const auto hold = static_cast<std::size_t>(std::lround(holdMs * kFs / 1000.0));
    const std::size_t firstReduced = dsptest::firstWhere(r.gainDb, quiet, [](double g) { return g < -1e-9; });
    CAPTURE(holdMs);
    CHECK(firstReduced == quiet + hold);
  }
}

TEST_CASE("attack and release: the whole range in attackMs / releaseMs, linear in dB, within 10 %") {
  const double range = 60.0;
  double worst = 0.0;
  for (double attackMs : {1.0, 5.0, 20.0}) {
    for (double releaseMs : {20.0, 100.0, 500.0}) {
      const GateParams p{true, -50, range, attackMs, 10, releaseMs};
      // Loud, quiet long enough to close fully, loud again.
      const std::size_t quiet = 4800, loud = quiet + static_cast<std::size_t>((releaseMs + 100) * kFs / 1000.0);
      const Run r = gateRun(p, {0, quiet, loud}, {-20, -70, -20}, loud + 9600);
      const auto at = [&](std::size_t from, double fraction, bool closing) {
        return dsptest::firstWhere(r.gainDb, from, [&](double g) { return closing ? g <= -fraction * range : g >= -fraction * range; });
      };
      const double release = (at(quiet, 0.9, true) - at(quiet, 0.1, true)) / 0.8 * 1000.0 / kFs;
      const double attack = (at(loud, 0.1, false) - at(loud, 0.9, false)) / 0.8 * 1000.0 / kFs;
      CAPTURE(attackMs);
      CAPTURE(releaseMs);
      MESSAGE("attack " << attackMs << " ms measured " << attack << " ms; release " << releaseMs << " ms measured " << release
                        << " ms");
      CHECK(attack == doctest::Approx(attackMs).epsilon(0.1));
      CHECK(release == doctest::Approx(releaseMs).epsilon(0.1));
      worst = std::max({worst, std::fabs(attack / attackMs - 1.0), std::fabs(release / releaseMs - 1.0)});
    }
  }
  MESSAGE("gate times: worst relative error " << worst * 100.0 << " %");
}

TEST_CASE("no chatter: a signal hovering around the threshold opens the gate once") {
  // Level wanders around -50 dBFS: a slow ±1.5 dB swing plus a random ±1 dB step every 10 ms, for
  // 4 s after 0.2 s of silence. The hysteresis (kHysteresisDb below the threshold keeps it open)
  // holds the gate open throughout: exactly one transition. The same test with swings of ±8 dB,
  // below threshold - hysteresis for longer than the hold, sees the gate close and reopen
  // (the count does catch chatter).
  for (double swing : {1.5, 8.0}) {
    std::vector<std::size_t> starts{0};
    std::vector<double> levels{-200};
    std::uint32_t lcg = 12345;
    for (std::size_t f = 9600; f < 9600 + 4 * 48000; f += 480) {
      lcg = lcg * 1664525u + 1013904223u;
      const double noise = (static_cast<double>(lcg >> 8) / 16777216.0 - 0.5) * 2.0 * (swing > 2 ? 0.0 : 1.0);
      starts.push_back(f);
      levels.push_back(-50.0 + swing * std::sin(2.0 * dsptest::kPi * 0.7 * static_cast<double>(f) / kFs) + noise);
    }
    const GateParams p{true, -50, 60, 1, 50, 100};
    const Run r = gateRun(p, starts, levels, 9600 + 4 * 48000);
    CAPTURE(swing);
    if (swing < 2) CHECK(transitions(r.gainDb, 60) == 1);
    else CHECK(transitions(r.gainDb, 60) >= 5);
  }
}

TEST_CASE("range changes and enabling/disabling move the gain gradually") {
  // Closed at -60 dB, the range becomes 20 dB: the floor glides up over smoothFrames (480).
  const Run r = gateRun({true, -50, 60, 1, 10, 50}, {0}, {-70}, 48000, [](std::size_t f, Gate& g) {
    if (f == 94 * 256) g.set({true, -50, 20, 1, 10, 50});
  });
  CHECK(r.gainDb[94 * 256 - 1] == doctest::Approx(-60).epsilon(1e-3));
  CHECK(r.gainDb[47999] == doctest::Approx(-20).epsilon(1e-3));
  double step = 0.0;
  for (std::size_t f = 1; f < r.gainDb.size(); ++f)
    step = std::max(step, std::fabs(dsptest::fromDb(r.gainDb[f]) - dsptest::fromDb(r.gainDb[f - 1])));
  CHECK(step < 1.01 * (0.1 - 0.001) / 480);

  // Enabled from bypass on a quiet input: starts open, closes after hold + release; disabled: a
  // 10 ms fade back to the dry signal, then the audio untouched.
  const std::size_t on = 47 * 256, off = 141 * 256;
  const Run e = gateRun({false, -50, 60, 1, 10, 50}, {0}, {-70}, 48000, [&](std::size_t f, Gate& g) {
    if (f == on) g.set({true, -50, 60, 1, 10, 50});
    if (f == off) g.set({false, -50, 60, 1, 10, 50});
  });
  CHECK(e.gainDb[off - 1] == doctest::Approx(-60).epsilon(1e-3));
  double linStep = 0.0, dbStep = 0.0;
  for (std::size_t f = on; f < off; ++f) dbStep = std::max(dbStep, std::fabs(e.gainDb[f] - e.gainDb[f - 1]));
  for (std::size_t f = off; f < 48000; ++f)
    linStep = std::max(linStep, std::fabs(dsptest::fromDb(e.gainDb[f]) - dsptest::fromDb(e.gainDb[f - 1])));
  CHECK(dbStep < 1.01 * 60.0 / (50 * 48));  // closing: the release's rate, nothing faster
  CHECK(linStep < 1.01 / 480);              // opening to dry: a 10 ms linear fade
  for (std::size_t f = off + 480; f < 48000; ++f) REQUIRE(e.out[2 * f] == e.in[2 * f]);
}

TEST_CASE("gainReductionDb() reports the attenuation measured on the audio") {
  Gate g;
  g.configure(kFs, 1, 480);
  g.set({true, -50, 45, 1, 10, 50});
  std::vector<float> x = dsptest::tone(kFs, 1000, dsptest::fromDb(-70), 9600, 1, true);
  const std::vector<float> in = x;
  dsptest::inBlocks(x, 1, 256, [&](float* io, std::uint32_t n) { g.process(io, n); });
  const double measured = -dsptest::db(std::fabs(x.back() / in.back()));
  CHECK(measured == doctest::Approx(45).epsilon(1e-3));
  CHECK(g.gainReductionDb() == doctest::Approx(measured).epsilon(1e-3));
}
