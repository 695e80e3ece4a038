// The loudness meter taking the limiter's 4x values (LoudnessMeter::add() with
// TruePeakLimiter::outputPeak()) reads exactly what a meter computing them itself reads, after
// every block: no difference in value, and no lag in when a peak counts. Two meters are given the
// limiter's output, one with the limiter's values and one without, over signals where the
// limiter is idle (quiet: only bounds; louder: exact values), where it acts, the transitions
// between them, bypass fades, loudness resets, odd block sizes and a NaN.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "engine/realtime/dsp/loudness_meter.hpp"
#include "limiter_support.hpp"

using namespace dsptest;
using ringmix::engine::LoudnessMeter;

namespace {

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

struct Counts {
  int exact = 0, bound = 0, invalid = 0;
};

// Runs x through a limiter into both meters in blocks cycling through `blocks`; the meters are
// reset every `resetEvery` blocks (0: never), the limiter set to `later` at block `switchAt`.
// Checks every reading after every block, and the limiter's BlockPeak itself against a detector
// given the same output (never reset); returns how often the limiter's values were offered.
Counts compare(double fs, unsigned ch, const std::vector<float>& input, const std::vector<std::uint32_t>& blocks,
               int resetEvery = 0, int switchAt = -1, LimiterParams later = {}) {
  auto limiter = makeLimiter(fs, ch);
  auto reusing = std::make_unique<LoudnessMeter>();
  auto computing = std::make_unique<LoudnessMeter>();
  reusing->configure(fs, ch);
  computing->configure(fs, ch);
  TruePeakDetector reference;
  reference.configure(ch);
  std::vector<float> x = input;
  const std::size_t frames = x.size() / ch;
  Counts counts;
  std::size_t pos = 0;
  for (int b = 0; pos < frames; ++b) {
    if (b == switchAt) limiter->set(later);
    if (resetEvery > 0 && b % resetEvery == resetEvery - 1) {
      reusing->reset();
      computing->reset();
    }
    const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(blocks[b % blocks.size()], frames - pos));
    float* io = &x[pos * ch];
    limiter->process(io, n);
    const auto& known = limiter->outputPeak();
    (known.valid ? (known.exact ? counts.exact : counts.bound) : counts.invalid)++;
    const float peak = reference.process(io, n);
    INFO("block ", b, " of ", n, " frames at frame ", pos);
    if (known.valid && known.exact) REQUIRE(known.value == peak);
    if (known.valid && !known.exact) REQUIRE(known.value >= peak);
    reusing->add(io, n, known);
    computing->add(io, n);
    pos += n;
    REQUIRE(sameBits(reusing->truePeakDbtp(), computing->truePeakDbtp()));
    REQUIRE(sameBits(reusing->momentaryLufs(), computing->momentaryLufs()));
    REQUIRE(sameBits(reusing->shortTermLufs(), computing->shortTermLufs()));
    REQUIRE(sameBits(reusing->integratedLufs(), computing->integratedLufs()));
    REQUIRE(sameBits(reusing->rangeLu(), computing->rangeLu()));
  }
  return counts;
}

// Quiet (the limiter only bounds its values), louder but idle (it computes them all), driven over
// the ceiling (it acts), back to idle, silence, and programme material crossing the ceiling.
std::vector<float> programme(double fs, unsigned ch) {
  std::vector<float> x = toneSequence(fs, ch, 997.0, {{0.5, -30}, {0.5, -8}, {0.5, 3}, {0.7, -6}, {0.3, -400}, {0.4, -20}});
  std::vector<float> m = musicLike(fs, ch, 3.0, 5, {-14, -4, -24, 0, -10, -30});
  scale(m, 8.0);
  return concat(std::move(x), m);
}

}  // namespace

TEST_CASE("true-peak reuse: the meter reads the same as computing, after every block") {
  for (double fs : {48000.0, 44100.0, 96000.0}) {
    for (unsigned ch : {2u, 1u, 6u}) {
      CAPTURE(fs);
      CAPTURE(ch);
      const Counts c = compare(fs, ch, programme(fs, ch), {128});
      // Every path was taken: the limiter's exact values, its bounds, and the meter on its own.
      CHECK(c.exact > 10);
      CHECK(c.bound > 10);
      CHECK(c.invalid > 10);
    }
  }
}

TEST_CASE("true-peak reuse: odd block sizes, longer than the delay line, and single frames") {
  const Counts c = compare(48000.0, 2, programme(48000.0, 2), {1, 37, 256, 5000, 3, 1000, 64, 2});
  CHECK(c.exact > 0);
  CHECK(c.bound > 0);
  CHECK(c.invalid > 0);
}

TEST_CASE("true-peak reuse: across loudness resets (the meter's history restarts from silence)") {
  // Resets every 7 blocks of 100 frames: fewer than kTaps - 1 frames after each the meter
  // computes, then takes the limiter's values again.
  const Counts c = compare(48000.0, 2, programme(48000.0, 2), {100}, 7);
  CHECK(c.exact > 0);
  CHECK(c.bound > 0);
  const Counts d = compare(48000.0, 2, programme(48000.0, 2), {1, 5, 40}, 13);
  CHECK(d.exact > 0);
}

TEST_CASE("true-peak reuse: bypass fades and parameter changes") {
  const std::vector<float> x = programme(48000.0, 2);
  // Disabled mid-way (a 10 ms fade to unity, then a pass-through whose values are the input's).
  Counts c = compare(48000.0, 2, x, {128}, 0, 200, {false, -1.0, 50});
  CHECK(c.exact > 0);
  // A lower ceiling mid-way (it glides there), and a long release.
  c = compare(48000.0, 2, x, {128}, 0, 300, {true, -6.0, 2000});
  CHECK(c.invalid > 0);
}

TEST_CASE("true-peak reuse: a NaN in the input") {
  std::vector<float> x = toneSequence(48000.0, 2, 440.0, {{1.0, -6}});
  x[2 * 30000] = std::numeric_limits<float>::quiet_NaN();
  compare(48000.0, 2, x, {128});
}

TEST_CASE("true-peak reuse: one frame at a time as the gain returns to unity") {
  // The frames that reach unity are preceded by ones a hair below it: the limiter's values are
  // the output's only once the last kTaps - 1 frames were all at unity. (With a 50 ms release
  // the gain takes ~1 s to arrive at exactly 1 after the limiter acted.)
  const std::vector<float> x = toneSequence(48000.0, 2, 997.0, {{0.2, 3}, {1.5, -3}, {0.1, 2}, {1.5, -2.5}});
  for (double releaseMs : {1.0, 50.0}) {
    CAPTURE(releaseMs);
    const Counts c = compare(48000.0, 2, x, {1}, 0, 0, {true, -1.0, releaseMs});
    CHECK(c.exact > 10000);
    CHECK(c.invalid > 1000);
  }
}
