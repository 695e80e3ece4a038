// Parameter changes on a playing tone: with the crossfade (10 ms) the output's second difference
// (a high-pass that shows a discontinuity in the signal or its slope at full size, while a low
// tone stays small and steady) never exceeds 1.5× its steady level before or after the change.
// The same block switching coefficients at once (smoothFrames = 0: the history kept, new
// coefficients applied) exceeds that bound in every case marked `clicks`, so the measure does
// see a click. (Direct form I keeps some instant switches smooth by itself, e.g. a peak's gain
// at its own frequency; those cases only check the crossfade.)
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis.hpp"
#include "engine/realtime/dsp/equalizer.hpp"
#include "engine/realtime/dsp/high_pass.hpp"

using namespace ringmix::engine::dsp;

namespace {

constexpr double kFs = 48000.0;
constexpr std::uint32_t kBlock = 256, kFade = 480;  // a 256-frame mix cycle, 10 ms fades
constexpr std::size_t kChangeAt = 94 * kBlock;      // ~0.5 s in: both filters settled
constexpr std::size_t kFrames = kChangeAt + 24000;

struct Clicks {
  double steady, during;
  double ratio() const { return during / steady; }
};

// Runs a tone through a block; at kChangeAt (a block boundary, as a mix cycle applies
// parameters) calls change(block). Measures the second difference around the change.
template <typename Block, typename Params, typename Change>
Clicks measure(std::uint32_t fade, const Params& initial, double hz, Change&& change) {
  Block b;
  b.configure(kFs, 2, fade);
  b.set(initial);
  b.reset();
  std::vector<float> x = dsptest::tone(kFs, hz, 0.25, kFrames);
  for (std::size_t f = 0; f < kFrames; f += kBlock) {
    if (f == kChangeAt) change(b);
    b.process(x.data() + 2 * f, static_cast<std::uint32_t>(std::min<std::size_t>(kBlock, kFrames - f)));
  }
  const double before = dsptest::maxSecondDifference(x, 2, 0, kChangeAt - 9600, kChangeAt);
  const double after = dsptest::maxSecondDifference(x, 2, 0, kFrames - 9600, kFrames);
  const double during = dsptest::maxSecondDifference(x, 2, 0, kChangeAt, kChangeAt + 4 * kFade);
  return {std::max(before, after), during};
}

template <typename Block, typename Params>
void checkChange(const char* name, const Params& from, const Params& to, double hz, bool clicks) {
  const std::string label = name;
  CAPTURE(label);
  const auto set = [&](Block& b) { b.set(to); };
  const Clicks faded = measure<Block>(kFade, from, hz, set);
  const Clicks instant = measure<Block>(0, from, hz, set);
  MESSAGE(label << ": crossfade " << faded.ratio() << "x steady, instant switch " << instant.ratio() << "x");
  CHECK(faded.ratio() < 1.5);
  if (clicks) CHECK(instant.ratio() > 2.0);
}

EqParams eq(EqBand low, EqBand mid, EqBand high) { return {true, low, mid, high}; }

}  // namespace

TEST_CASE("equalizer changes crossfade without clicks, instant switches click") {
  const EqBand flatLow{100, 0, 0.7071}, flatMid{1000, 0, 1}, flatHigh{10000, 0, 0.7071};
  checkChange<Equalizer>("high shelf 5 kHz -18 -> +18 dB, 200 Hz tone", eq(flatLow, flatMid, {5000, -18, 0.7071}),
                         eq(flatLow, flatMid, {5000, 18, 0.7071}), 200, true);
  checkChange<Equalizer>("low shelf 500 Hz -18 -> +18 dB, 200 Hz tone", eq({500, -18, 0.7071}, flatMid, flatHigh),
                         eq({500, 18, 0.7071}, flatMid, flatHigh), 200, true);
  checkChange<Equalizer>("peak +18 dB Q 8 moved 1 -> 3 kHz, 1 kHz tone", eq(flatLow, {1000, 18, 8}, flatHigh),
                         eq(flatLow, {3000, 18, 8}, flatHigh), 1000, true);
  checkChange<Equalizer>("peak 200 Hz -18 -> +18 dB, 200 Hz tone", eq(flatLow, {200, -18, 1}, flatHigh),
                         eq(flatLow, {200, 18, 1}, flatHigh), 200, false);
  checkChange<Equalizer>("bypass -> peak 200 Hz +18 dB", EqParams{}, eq(flatLow, {200, 18, 1}, flatHigh), 200, false);
  checkChange<Equalizer>("high shelf +18 dB -> bypass, 200 Hz tone", eq(flatLow, flatMid, {3000, 18, 0.7071}), EqParams{}, 200,
                         true);
}

TEST_CASE("high-pass changes crossfade without clicks, instant switches click") {
  checkChange<HighPass>("20 -> 200 Hz (24 dB), 150 Hz tone", HighPassParams{true, 20, 24}, HighPassParams{true, 200, 24}, 150, true);
  checkChange<HighPass>("80 Hz 12 -> 24 dB, 100 Hz tone", HighPassParams{true, 80, 12}, HighPassParams{true, 80, 24}, 100, false);
  checkChange<HighPass>("bypass -> 200 Hz, 150 Hz tone", HighPassParams{}, HighPassParams{true, 200, 24}, 150, true);
  checkChange<HighPass>("200 Hz -> bypass, 150 Hz tone", HighPassParams{true, 200, 24}, HighPassParams{}, 150, true);
}

TEST_CASE("a burst of changes, new ones arriving mid-fade, stays click-free and ends on the newest") {
  // 40 sets, one every 37 frames (several per block, most during a fade), alternating high-shelf
  // gains; then the last one must be what plays within two fades.
  const EqBand flatLow{100, 0, 0.7071}, flatMid{1000, 0, 1};
  for (std::uint32_t fade : {kFade, 0u}) {
    Equalizer b;
    b.configure(kFs, 2, fade);
    b.set(eq(flatLow, flatMid, {4000, -12, 0.7071}));
    b.reset();
    std::vector<float> x = dsptest::tone(kFs, 200, 0.25, kFrames);
    int sets = 0;
    std::size_t lastSet = 0;
    for (std::size_t f = 0; f < kFrames; f += 37) {
      if (f >= kChangeAt && sets < 40) {
        lastSet = f;
        b.set(eq(flatLow, flatMid, {4000, sets % 2 ? -12.0 : 15.0 - sets * 0.25, 0.7071}));
        ++sets;
      }
      b.process(x.data() + 2 * f, static_cast<std::uint32_t>(std::min<std::size_t>(37, kFrames - f)));
    }
    const double steady = std::max(dsptest::maxSecondDifference(x, 2, 0, kChangeAt - 9600, kChangeAt),
                                   dsptest::maxSecondDifference(x, 2, 0, kFrames - 9600, kFrames));
    const double during = dsptest::maxSecondDifference(x, 2, 0, kChangeAt, lastSet + 2 * kFade + 64);
    CAPTURE(fade);
    MESSAGE("burst of 40 sets, fade " << fade << ": " << during / steady << "x steady");
    if (fade != 0) CHECK(during / steady < 1.5);
    else CHECK(during / steady > 2.0);
    // The newest setting (-12 dB at 4 kHz, which leaves 200 Hz at ~0 dB) plays from two fades
    // after the last set: the 200 Hz level matches a block set to it from the start.
    Equalizer ref;
    ref.configure(kFs, 2, 0);
    ref.set(eq(flatLow, flatMid, {4000, -12, 0.7071}));
    std::vector<float> y = dsptest::tone(kFs, 200, 0.25, kFrames);
    dsptest::inBlocks(y, 2, kBlock, [&](float* io, std::uint32_t n) { ref.process(io, n); });
    const std::size_t from = lastSet + 2 * kFade + 64;
    CHECK(std::fabs(dsptest::rms(x, 2, 1, from, 4800) - dsptest::rms(y, 2, 1, from, 4800)) < 1e-5);
  }
}

TEST_CASE("a change takes effect: after the fade the output is the new filter's") {
  // A 150 Hz tone through a 24 dB/octave high-pass moved 20 -> 300 Hz: after the fade its level
  // is the new design's response at 150 Hz (-24.4 dB or so), measured with Goertzel.
  HighPass b;
  b.configure(kFs, 2, kFade);
  b.set({true, 20, 24});
  b.reset();
  std::vector<float> x = dsptest::tone(kFs, 150, 0.5, kFrames);
  for (std::size_t f = 0; f < kFrames; f += kBlock) {
    if (f == kChangeAt) b.set({true, 300, 24});
    b.process(x.data() + 2 * f, static_cast<std::uint32_t>(std::min<std::size_t>(kBlock, kFrames - f)));
  }
  const BiquadChain design = HighPass::design(kFs, {true, 300, 24});
  double expected = 0.0;
  for (int k = 0; k < design.sections(); ++k) expected += magnitudeDb(design.coefs(k), 150, kFs);
  const double level = dsptest::db(dsptest::goertzelAmplitude(x, 2, 0, kFrames - 9600, 9600, 150, kFs) / 0.5);
  CHECK(level == doctest::Approx(expected).epsilon(0.002));
}
