// The limiter's timing and controls: latency (measured by cross-correlating a click), release
// time, returning to unity, click-free parameter changes and bypass, stereo linking.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "limiter_support.hpp"

using namespace dsptest;

namespace {

// Delay of y against x by cross-correlation (over the first channel), searched in [0, maxLag].
std::size_t measuredDelay(const std::vector<float>& x, const std::vector<float>& y, unsigned ch, std::size_t maxLag) {
  const std::size_t frames = x.size() / ch;
  double best = -1e300;
  std::size_t lag = 0;
  for (std::size_t d = 0; d <= maxLag; ++d) {
    double s = 0.0;
    for (std::size_t n = 0; n + d < frames; ++n) s += static_cast<double>(x[n * ch]) * y[(n + d) * ch];
    if (s > best) best = s, lag = d;
  }
  return lag;
}

// Per-frame gain of the limiter (processing one frame per call).
std::vector<float> gainTrace(TruePeakLimiter& l, std::vector<float> x, unsigned ch) {
  std::vector<float> g(x.size() / ch);
  for (std::size_t i = 0; i < g.size(); ++i) {
    l.process(&x[i * ch], 1);
    g[i] = std::pow(10.0f, -l.gainReductionDb() / 20.0f);
  }
  return g;
}

// Largest third difference: a 1 kHz tone's is 53 dB below the tone; a click's is not.
double clickiness(const std::vector<float>& y, unsigned ch, std::size_t from, std::size_t to) {
  double m = 0.0;
  for (std::size_t n = from + 3; n < to; ++n) {
    const double d = y[n * ch] - 3.0 * y[(n - 1) * ch] + 3.0 * y[(n - 2) * ch] - y[(n - 3) * ch];
    m = std::max(m, std::fabs(d));
  }
  return m;
}

}  // namespace

TEST_CASE("limiter: latency reported == delay measured, the same whatever the settings") {
  for (double fs : {8000.0, 44100.0, 48000.0, 96000.0, 384000.0}) {
    std::uint32_t first = 0;
    const LimiterParams settings[] = {{true, -1.0, 50}, {true, -20.0, 5}, {false, -1.0, 50}, {true, 0.0, 1000}};
    for (const LimiterParams& p : settings) {
      auto l = makeLimiter(fs, 2, p);
      if (first == 0) first = l->latencyFrames();
      CHECK(l->latencyFrames() == first);
      auto x = silence(fs, 2, 0.05);
      const std::size_t at = 300;
      x[at * 2] = x[at * 2 + 1] = 0.5f;  // a click (limited at the -20 dBTP ceiling, not moved)
      auto y = x;
      y.resize(y.size() + 4096 * 2, 0.0f);
      l->process(y.data(), static_cast<std::uint32_t>(y.size() / 2));
      const std::size_t d = measuredDelay(x, y, 2, 4000);
      CHECK(d == l->latencyFrames());
      if (p.ceilingDbtp > -6.0) CHECK(y[(at + d) * 2] == 0.5f);  // below the ceiling: untouched
    }
    std::printf("limiter latency @ %6.0f Hz: %u frames (%.3f ms), measured by cross-correlation\n", fs, first, first * 1000.0 / fs);
  }
}

TEST_CASE("limiter: release within 10% of releaseMs, then exactly unity") {
  for (double releaseMs : {20.0, 50.0, 300.0}) {
    const double fs = 48000;
    auto l = makeLimiter(fs, 1, {true, -1.0, releaseMs});
    const auto x = concat(tone(fs, 1, 1000, 10, 0.2), silence(fs, 1, 25 * releaseMs / 1000 + 0.1));
    const auto g = gainTrace(*l, x, 1);
    const std::size_t end = static_cast<std::size_t>(0.2 * fs) + l->latencyFrames();
    // The reduction (1 - g) decays as exp(-t / tau) once the look-ahead has let go: time from
    // half the initial reduction to half/e of it.
    const double g0 = 1.0 - g[end - 10];
    std::size_t a = 0, b = 0;
    for (std::size_t i = end; i < g.size(); ++i) {
      if (!a && 1.0 - g[i] <= 0.5 * g0) a = i;
      if (!b && 1.0 - g[i] <= 0.5 * g0 / std::exp(1.0)) b = i;
    }
    REQUIRE(a);
    REQUIRE(b);
    const double tauMs = (b - a) * 1000.0 / fs;
    std::printf("limiter release %.0f ms: measured time constant %.2f ms (reduction %.1f dB before)\n", releaseMs, tauMs,
                -20 * std::log10(1 - g0));
    CHECK(std::fabs(tauMs - releaseMs) <= 0.1 * releaseMs);
    CHECK(g.back() == 1.0f);
    CHECK(l->gainReductionDb() == 0.0f);
  }
}

TEST_CASE("limiter: back at unity, the output is the delayed input bit for bit") {
  auto l = makeLimiter(48000, 2, {true, -1.0, 10});
  auto x = concat(tone(48000, 2, 1000, 6, 0.1), whiteNoise(48000, 2, -20, 1.0, 3));
  auto y = x;
  l->process(y.data(), static_cast<std::uint32_t>(y.size() / 2));
  const std::size_t d = l->latencyFrames();
  for (std::size_t n = static_cast<std::size_t>(0.6 * 48000); n < x.size() / 2; ++n) REQUIRE(y[n * 2] == x[(n - d) * 2]);
}

TEST_CASE("limiter: at rest below the ceiling, every channel is the delayed input bit for bit, in blocks of any size") {
  // Below the ceiling the limiter takes its shortcuts (no interpolation at -30 dBFS, no crest
  // search at -12, the delay line alone at rest): none may change a sample.
  for (double levelDb : {-30.0, -12.0}) {
    auto l = makeLimiter(48000, 2, {true, -1.0, 10});
    auto x = concat(tone(48000, 2, 1000, 6, 0.1), whiteNoise(48000, 2, levelDb, 1.5, 5));
    auto y = x;
    const std::size_t frames = y.size() / 2;
    for (std::size_t done = 0, k = 0; done < frames; ++k) {
      const std::size_t n = std::min<std::size_t>(frames - done, 1 + (k * 97) % 300);
      l->process(y.data() + done * 2, static_cast<std::uint32_t>(n));
      done += n;
    }
    const std::size_t d = l->latencyFrames();
    std::size_t same = 0, checked = 0;
    for (std::size_t n = static_cast<std::size_t>(0.6 * 48000); n < frames; ++n)
      for (unsigned c = 0; c < 2; ++c, ++checked) same += y[n * 2 + c] == x[(n - d) * 2 + c];
    INFO("noise at " << levelDb << " dBFS");
    CHECK(same == checked);
  }
}

TEST_CASE("limiter: changing the ceiling while playing does not click") {
  const double fs = 48000;
  auto x = tone(fs, 1, 1000, -0.5, 1.0);
  auto l = makeLimiter(fs, 1);
  std::vector<float> y = x;
  const std::size_t change = 24000;
  l->process(y.data(), change);
  l->set({true, -12.0, 50});
  l->process(y.data() + change, static_cast<std::uint32_t>(x.size() - change));
  const double steady = clickiness(y, 1, 4000, 20000);
  const double around = clickiness(y, 1, change, change + 4800);
  // The same tone with its gain stepped from 1 to 0.25 in one sample, for scale.
  auto z = x;
  for (std::size_t n = change; n < z.size(); ++n) z[n] *= 0.25f;
  const double step = clickiness(z, 1, change - 10, change + 10);
  std::printf("ceiling -1 -> -12 dBTP: third difference %.5f around the change, %.5f steady, %.5f for a gain step\n", around,
              steady, step);
  CHECK(around <= 1.5 * steady);
  CHECK(step > 10 * steady);
  // And it settles at the new ceiling (the excerpt faded at its ends: cut off abruptly, its
  // reconstruction would overshoot there).
  std::vector<float> tail(y.end() - 4800, y.end());
  fade(tail, 1, fs, 5);
  CHECK(detectorDb(tail, 1) <= -12.0);
  CHECK(detectorDb(tail, 1) >= -12.3);
}

TEST_CASE("limiter: disabled, it passes the delayed input through after a 10 ms fade") {
  const double fs = 48000;
  auto l = makeLimiter(fs, 2);
  const auto x = tone(fs, 2, 1000, 6, 1.0);
  auto y = x;
  l->process(y.data(), 24000);
  l->set({false, -1.0, 50});
  std::size_t faded = 0;
  for (std::size_t n = 24000; n < 48000; ++n) {
    l->process(&y[n * 2], 1);
    if (!faded && l->gainReductionDb() == 0.0f) faded = n - 24000;
  }
  std::printf("limiter bypass fade: %zu frames (%.2f ms)\n", faded, faded * 1000.0 / fs);
  CHECK(faded >= 470);
  CHECK(faded <= 490);
  const std::size_t d = l->latencyFrames();
  for (std::size_t n = 25000; n < 48000; ++n) REQUIRE(y[n * 2] == x[(n - d) * 2]);
  CHECK(l->latencyFrames() == d);
  // Enabled again: limited again after the fade.
  l->set({true, -1.0, 50});
  auto z = tone(fs, 2, 1000, 6, 0.2);
  l->process(z.data(), static_cast<std::uint32_t>(z.size() / 2));
  std::vector<float> tail(z.begin() + 2 * 2400, z.end());
  fade(tail, 2, fs, 5);
  CHECK(detectorDb(tail, 2) <= -1.0);
}

TEST_CASE("limiter: stereo-linked, one gain for both channels") {
  const double fs = 48000;
  auto l = makeLimiter(fs, 2);
  auto x = tone(fs, 2, 1000, 6, 0.5);
  for (std::size_t n = 0; n < x.size() / 2; ++n) x[n * 2 + 1] = 0.1f * std::sin(2 * kPi * 300 * n / fs);
  const auto y = runAligned(*l, x, 2);
  for (std::size_t n = 100; n < x.size() / 2; n += 7) {
    if (std::fabs(x[n * 2]) < 0.5f || std::fabs(x[n * 2 + 1]) < 0.02f) continue;
    CHECK(y[n * 2] / x[n * 2] == doctest::Approx(y[n * 2 + 1] / x[n * 2 + 1]).epsilon(1e-4));
  }
}

TEST_CASE("limiter: mono and a block of 4096 frames") {
  auto l = makeLimiter(48000, 1);
  const auto x = tone(48000, 1, 12000, 20, 0.5, kPi / 4);
  const auto y = runAligned(*l, x, 1, 4096);
  CHECK(detectorDb(y, 1) <= -1.0);
}
