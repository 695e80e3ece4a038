// PeakProgrammeMeter: IEC 60268-18 return (20 dB in 1.7 s, constant in dB) and the peak hold.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "engine/realtime/dsp/peak_meter.hpp"
#include "signals.hpp"

using ringmix::engine::PeakProgrammeMeter;
using namespace dsptest;

TEST_CASE("peak meter: falls 20 dB in 1.7 s (within 5 %), at a constant rate in dB") {
  for (double fs : {8000.0, 44100.0, 48000.0, 384000.0}) {
    PeakProgrammeMeter m;
    m.configure(fs, 2);
    auto x = tone(fs, 2, 997, -3, 0.5);
    m.add(x.data(), static_cast<std::uint32_t>(x.size() / 2));
    const float start = m.peakDb(0);
    CHECK(std::fabs(start + 3) < 0.01);
    // Silence, 1 ms at a time: when does the reading cross 10 and 20 dB below where it was?
    const auto block = static_cast<std::uint32_t>(fs / 1000);
    std::vector<float> quiet(block * 2, 0.0f);
    double t10 = 0, t20 = 0;
    for (int ms = 1; ms <= 3000 && !t20; ++ms) {
      m.add(quiet.data(), block);
      if (!t10 && m.peakDb(0) <= start - 10) t10 = ms / 1000.0;
      if (!t20 && m.peakDb(0) <= start - 20) t20 = ms / 1000.0;
    }
    std::printf("peak meter @ %6.0f Hz: -10 dB after %.3f s, -20 dB after %.3f s (IEC 60268-18: 1.7 s +-0.3 s)\n", fs, t10, t20);
    CHECK(std::fabs(t20 - 1.7) <= 0.05 * 1.7);
    CHECK(std::fabs(t10 - 0.85) <= 0.05 * 0.85);
  }
}

TEST_CASE("peak meter: attack is instant, the sample peak") {
  PeakProgrammeMeter m;
  m.configure(48000, 1);
  std::vector<float> x(64, 0.0f);
  x[10] = -0.5f;
  m.add(x.data(), 11);
  CHECK(m.peakDb(0) == doctest::Approx(toDb(0.5)).epsilon(1e-6));
}

TEST_CASE("peak meter: the hold keeps the peak 2 s, then follows the reading") {
  const double fs = 48000;
  PeakProgrammeMeter m;
  m.configure(fs, 2);
  std::vector<float> x(2 * 100, 0.0f);
  x[2 * 99] = x[2 * 99 + 1] = 0.5f;  // the peak, at the last frame of the block
  m.add(x.data(), 100);
  const float held = m.holdDb(0);
  const auto block = static_cast<std::uint32_t>(fs / 1000);
  std::vector<float> quiet(block * 2, 0.0f);
  double released = 0;
  for (int ms = 1; ms <= 3000 && !released; ++ms) {
    m.add(quiet.data(), block);
    if (m.holdDb(0) < held) released = ms / 1000.0;
  }
  std::printf("peak hold: held %.2f dBFS for %.3f s, then %.2f dBFS = the reading %.2f dBFS\n", held, released, m.holdDb(0),
              m.peakDb(0));
  CHECK(released >= 2.0);
  CHECK(released <= 2.0 + 0.002);
  CHECK(m.holdDb(0) == m.peakDb(0));
  // A new peak holds anew.
  m.add(x.data(), static_cast<std::uint32_t>(x.size() / 2));
  CHECK(m.holdDb(1) == doctest::Approx(toDb(0.5)).epsilon(1e-4));
}

TEST_CASE("peak meter: channels are independent, silence reads -Infinity") {
  PeakProgrammeMeter m;
  m.configure(48000, 2);
  CHECK(std::isinf(m.peakDb(0)));
  std::vector<float> x = {0.5f, 0.0f, 0.25f, 0.0f};
  m.add(x.data(), 2);
  CHECK(m.peakDb(0) == doctest::Approx(toDb(0.5)).epsilon(1e-4));
  CHECK(std::isinf(m.peakDb(1)));
  m.reset();
  CHECK(std::isinf(m.holdDb(0)));
}
