// TruePeakDetector: the sample itself at phase 0, a flat passband, and EBU Tech 3341's true-peak
// cases 15-19 (read through the loudness meter, which is where the engine reports them).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "engine/realtime/dsp/loudness_meter.hpp"
#include "engine/realtime/dsp/true_peak.hpp"
#include "signals.hpp"

using ringmix::engine::LoudnessMeter;
using ringmix::engine::TruePeakDetector;
using namespace dsptest;

TEST_CASE("true peak: phase 0 is the input sample, kDelayFrames late, bit for bit") {
  TruePeakDetector d;
  d.configure(2);
  const auto x = whiteNoise(48000, 2, -6, 0.05, 7);
  const std::size_t frames = x.size() / 2;
  float out[2 * TruePeakDetector::kFactor];
  for (std::size_t n = 0; n < frames; ++n) {
    d.interpolate(&x[n * 2], out);
    if (n >= TruePeakDetector::kDelayFrames) {
      const std::size_t m = n - TruePeakDetector::kDelayFrames;
      CHECK(out[0] == x[m * 2]);
      CHECK(out[TruePeakDetector::kFactor] == x[m * 2 + 1]);
    }
  }
}

TEST_CASE("true peak: a tone's crest within 0.02 dB from 20 Hz to 0.43 fs") {
  // Long enough for the tone's crest to fall at every offset between 4x points; the parabola is
  // not used here, so the bound includes the 4x grid's own under-read at the top frequencies.
  for (double fs : {44100.0, 48000.0}) {
    double worst = 0.0;
    for (double f : {20.0, 100.0, 997.0, 5003.0, 9973.0, 14983.0, 17989.0, 0.43 * fs + 1.7}) {
      TruePeakDetector d;
      d.configure(1);
      auto x = tone(fs, 1, f, -6.0, 1.0, 0.1);
      fade(x, 1, fs, 20);
      const float p = d.process(x.data(), static_cast<std::uint32_t>(x.size()));
      const double err = toDb(p) + 6.0;
      worst = std::max(worst, std::fabs(err));
      CHECK(err < 0.01);
      CHECK(err > -0.02);
    }
    std::printf("true peak: worst tone error %.4f dB at %.0f Hz (20 Hz .. 0.43 fs)\n", worst, fs);
  }
}

TEST_CASE("EBU Tech 3341 cases 15-19: true peak +0.2/-0.4 dB") {
  struct Case {
    int number;
    double period;     // samples per cycle: fs/4, fs/6, fs/8
    double amplitude;  // of the sine
    double phaseDeg;
    double expected;   // dBTP
  };
  // Tech 3341 (2016) table 2: sines at fs/4, fs/6, fs/8 sampled off their crests.
  const Case cases[] = {{15, 4, 0.5, 0.0, -6.0},
                        {16, 4, 0.5, 45.0, -6.0},
                        {17, 6, 0.5, 60.0, -6.0},
                        {18, 8, 0.5, 67.5, -6.0},
                        {19, 4, std::sqrt(2.0), 45.0, 3.0}};
  for (double fs : {48000.0, 44100.0}) {
    for (const Case& c : cases) {
      auto m = std::make_unique<LoudnessMeter>();
      m->configure(fs, 2);
      auto x = tone(fs, 2, fs / c.period, toDb(c.amplitude), 2.0, c.phaseDeg * kPi / 180.0);
      fade(x, 2, fs, 20);
      float sp = 0.0f;
      for (float v : x) sp = std::max(sp, std::fabs(v));
      m->add(x.data(), static_cast<std::uint32_t>(x.size() / 2));
      const double tp = m->truePeakDbtp();
      std::printf("Tech 3341 case %d @ %.1f kHz: sample peak %+.2f dBFS, true peak %+.3f dBTP (expected %+.1f)\n",
                  c.number, fs / 1000, toDb(sp), tp, c.expected);
      CHECK(tp <= c.expected + 0.2);
      CHECK(tp >= c.expected - 0.4);
    }
  }
}

TEST_CASE("true peak: processAbove() keeps process()'s running maximum through silence and back") {
  // Silence first (nothing read yet: the skip must not need an earlier peak), then a burst, then
  // silence again, whose first blocks still reach the burst's last frames through the history.
  const auto burst = whiteNoise(4800, 2, -3, 0.02, 11);
  std::vector<float> x(2 * 9600, 0.0f);
  std::copy(burst.begin(), burst.end(), x.begin() + 2 * 2400);
  for (std::uint32_t block : {1u, 37u, 128u, 300u}) {
    TruePeakDetector computing, skipping;
    computing.configure(2);
    skipping.configure(2);
    float full = 0.0f, fast = 0.0f;
    for (std::size_t f = 0; f < x.size() / 2; f += block) {
      const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(block, x.size() / 2 - f));
      full = std::max(full, computing.process(&x[f * 2], n));
      fast = std::max(fast, skipping.processAbove(&x[f * 2], n, fast));
      REQUIRE(fast == full);
    }
    CHECK(full > 0.5f);
  }
}
