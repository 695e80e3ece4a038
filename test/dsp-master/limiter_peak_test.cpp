// The limiter's promise: whatever goes in, the true peak of what comes out stays at or below the
// ceiling, read by the engine's 4x detector and by 16x references computed independently in double
// (reference.hpp): the detector's own reconstruction sampled 16x, on everything; sharper ones (a
// converter's, and sharper still) on band-limited material. Content between ~0.45 fs and fs/2 is
// where any two reconstructions part (the sharper, the higher such content reads, without limit
// as the filter approaches the ideal one); the tests print what the sharper references read of
// the full-band signals (aliased square waves, white noise, programme with noise in it). Adversarial material: full-scale square waves (aliased and band-limited),
// inter-sample-peak tones (fs/4 at 45 degrees: +3 dB between the samples), single impulses,
// programme driven +24 dB, and a jump from silence to +24 dB.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "limiter_support.hpp"
#include "reference.hpp"

using namespace dsptest;

namespace {

struct Signal {
  std::string name;
  std::vector<float> x;
  bool bandLimited;  // no content above 0.43 fs: the sharp reference must agree too
};

std::vector<Signal> adversarial(double fs, double seconds) {
  std::vector<Signal> s;
  for (double f : {100.0, 1000.0, 3000.0, 5000.0, 7919.0})
    s.push_back({"square " + std::to_string(static_cast<int>(f)) + " Hz (aliased)", squareWave(fs, 2, f, 1.0, seconds), false});
  for (double f : {1000.0, 4999.0}) {
    auto x = bandLimitedSquare(fs, 2, f, 1.0, seconds, 0.43 * fs);
    s.push_back({"square " + std::to_string(static_cast<int>(f)) + " Hz (band-limited)", x, true});
  }
  s.push_back({"fs/4 at 45 deg, 0 dBFS", tone(fs, 2, fs / 4, toDb(std::sqrt(2.0)), seconds, kPi / 4), true});
  s.push_back({"fs/4 at 45 deg, +24 dB", tone(fs, 2, fs / 4, 24 + toDb(std::sqrt(2.0)), seconds, kPi / 4), true});
  {
    auto x = silence(fs, 2, seconds);
    for (std::size_t i = 0, k = 0; i < x.size() / 2; i += static_cast<std::size_t>(0.05 * fs), ++k) {
      const float a = (k % 2 ? -1.0f : 1.0f) * (k % 3 == 0 ? 16.0f : 1.0f);  // 0 and +24 dBFS
      x[i * 2] = a;
      x[i * 2 + 1] = k % 4 == 0 ? a : 0.0f;
    }
    s.push_back({"impulses 0/+24 dBFS", x, false});
  }
  {
    auto x = concat(musicLike(fs, 2, seconds, 9, {-6}), pinkNoise(fs, 2, -10, seconds / 2, 10));
    scale(x, 24);
    s.push_back({"programme +24 dB", x, false});
  }
  {
    auto x = musicLike(fs, 2, seconds, 11, {-6});
    scale(x, 24);
    s.push_back({"silence -> +24 dB", concat(silence(fs, 2, 0.3), x), false});
  }
  {
    auto x = whiteNoise(fs, 2, -3, seconds, 12);
    scale(x, 12);
    s.push_back({"white noise, peaks +14 dBFS", x, false});
  }
  return s;
}

void check(double fs, double seconds, double ceiling) {
  double worstDet = -100, worstSame = -100, worstDacBl = -100, worstDac = -100, worstSharpBl = -100, worstSharp = -100;
  for (const Signal& s : adversarial(fs, seconds)) {
    LimiterParams p;
    p.ceilingDbtp = ceiling;
    auto l = makeLimiter(fs, 2, p);
    const auto y = runAligned(*l, s.x, 2);
    const double in = truePeakDb(kSameBand, s.x, 2);
    const double det = detectorDb(y, 2), same = truePeakDb(kSameBand, y, 2), dac = truePeakDb(kDacBand, y, 2),
                 sharp = truePeakDb(kSharp, y, 2);
    std::printf("limiter @ %.1f kHz, ceiling %+.1f: %-30s in %+6.2f dBTP; out: detector %+.3f, 16x same band %+.3f, "
                "16x converter %+.3f, 16x sharp %+.3f\n",
                fs / 1000, ceiling, s.name.c_str(), in, det, same, dac, sharp);
    CHECK(det <= ceiling);
    CHECK(same <= ceiling);
    if (s.bandLimited) {
      CHECK(dac <= ceiling);
      CHECK(sharp <= ceiling);
    }
    worstDet = std::max(worstDet, det);
    worstSame = std::max(worstSame, same);
    worstDac = std::max(worstDac, dac);
    worstSharp = std::max(worstSharp, sharp);
    if (s.bandLimited) worstSharpBl = std::max(worstSharpBl, sharp);
    if (s.bandLimited) worstDacBl = std::max(worstDacBl, dac);
  }
  std::printf("limiter @ %.1f kHz, ceiling %+.1f: worst output true peak over the ceiling: detector %+.4f, same band %+.4f; "
              "band-limited input: converter %+.4f, sharp %+.4f; full-band input: converter %+.4f, sharp %+.4f dB\n",
              fs / 1000, ceiling, worstDet - ceiling, worstSame - ceiling, worstDacBl - ceiling, worstSharpBl - ceiling,
              worstDac - ceiling, worstSharp - ceiling);
}

}  // namespace

TEST_CASE("limiter: output true peak <= ceiling on adversarial signals, 48 kHz") { check(48000, 1.0, -1.0); }
TEST_CASE("limiter: output true peak <= ceiling on adversarial signals, 44.1 kHz") { check(44100, 1.0, -1.0); }
TEST_CASE("limiter: output true peak <= ceiling at other ceilings") {
  check(48000, 0.5, 0.0);
  check(48000, 0.5, -6.0);
}
TEST_CASE("limiter: output true peak <= ceiling from 8 kHz to 384 kHz") {
  for (double fs : {8000.0, 22050.0, 96000.0, 192000.0, 384000.0}) {
    for (const Signal& s : {Signal{"fs/4 at 45 deg, +24 dB", tone(fs, 2, fs / 4, 24 + toDb(std::sqrt(2.0)), 0.2, kPi / 4), true},
                            Signal{"square 1 kHz (aliased)", squareWave(fs, 2, 1000, 1.0, 0.2), false}}) {
      auto l = makeLimiter(fs, 2);
      const auto y = runAligned(*l, s.x, 2);
      const double det = detectorDb(y, 2), same = truePeakDb(kSameBand, y, 2), dac = truePeakDb(kDacBand, y, 2);
      std::printf("limiter @ %5.1f kHz (latency %u frames = %.2f ms): %-24s out: detector %+.3f, 16x same band %+.3f, "
                  "16x converter %+.3f\n",
                  fs / 1000, l->latencyFrames(), l->latencyFrames() * 1000.0 / fs, s.name.c_str(), det, same, dac);
      CHECK(det <= -1.0);
      CHECK(same <= -1.0);
      if (s.bandLimited) CHECK(dac <= -1.0);
    }
  }
}
