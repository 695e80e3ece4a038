// The designs against the textbook, on magnitudeDb() (the design equation's exact response):
// Butterworth high-passes (2nd and 4th order, the block's own sections) are -3.01 dB at f0 and
// follow |H|² = Ω^2N / (1 + Ω^2N) with the bilinear transform's Ω = tan(ω/2) / tan(ω0/2), so 12 and
// 24 dB/octave well below f0; shelves reach gainDb at DC (low) or Nyquist (high), 0 dB at the
// other end and gainDb/2 at f0; a peak is gainDb at f0 and 0 dB at both ends.
#include <doctest/doctest.h>

#include <cmath>

#include "analysis.hpp"
#include "engine/realtime/dsp/biquad.hpp"
#include "engine/realtime/dsp/equalizer.hpp"
#include "engine/realtime/dsp/high_pass.hpp"

using namespace ringmix::engine::dsp;

namespace {

double chainDb(const BiquadChain& c, double f, double fs) {
  double sum = 0.0;
  for (int k = 0; k < c.sections(); ++k) sum += magnitudeDb(c.coefs(k), f, fs);
  return sum;
}

double butterworthDb(int order, double f, double f0, double fs) {
  const double omega = std::tan(dsptest::kPi * f / fs) / std::tan(dsptest::kPi * f0 / fs);
  const double p = std::pow(omega, 2 * order);
  return 10.0 * std::log10(p / (1.0 + p));
}

}  // namespace

TEST_CASE("high-pass designs are Butterworth: -3.01 dB at f0, 12 and 24 dB per octave below") {
  for (double fs : {44100.0, 48000.0, 96000.0}) {
    for (double f0 : {20.0, 80.0, 200.0, 1000.0, 15000.0}) {
      for (int slope : {12, 24}) {
        CAPTURE(fs);
        CAPTURE(f0);
        CAPTURE(slope);
        const BiquadChain c = HighPass::design(fs, {true, f0, slope});
        CHECK(c.sections() == slope / 12);
        CHECK(chainDb(c, f0, fs) == doctest::Approx(-3.0103).epsilon(1e-4));
        double worst = 0.0;
        for (double f = 10.0; f < 0.499 * fs; f *= 1.01)
          worst = std::fmax(worst, std::fabs(chainDb(c, f, fs) - butterworthDb(slope / 6, f, f0, fs)));
        CHECK(worst < 1e-6);
        if (f0 >= 80.0 && f0 <= 1000.0) {  // an octave well below f0 (f0/8 → f0/16), where warping is negligible
          const double octave = chainDb(c, f0 / 8.0, fs) - chainDb(c, f0 / 16.0, fs);
          CHECK(octave == doctest::Approx(slope == 12 ? 12.04 : 24.08).epsilon(0.002));
        }
      }
    }
  }
}

TEST_CASE("shelves: gainDb at their end, 0 dB at the other, gainDb/2 at f0") {
  for (double fs : {44100.0, 48000.0}) {
    for (double f0 : {20.0, 100.0, 1000.0, 10000.0, 20000.0}) {
      for (double g : {-18.0, -6.0, 6.0, 18.0}) {
        for (double q : {0.5, 0.7071, 2.0}) {
          CAPTURE(fs);
          CAPTURE(f0);
          CAPTURE(g);
          CAPTURE(q);
          const BiquadCoefs lo = biquad::lowShelf(fs, f0, g, q), hi = biquad::highShelf(fs, f0, g, q);
          CHECK(magnitudeDb(lo, 0.0, fs) == doctest::Approx(g).epsilon(1e-6));
          CHECK(std::fabs(magnitudeDb(lo, fs / 2.0, fs)) < 1e-6);
          CHECK(magnitudeDb(lo, f0, fs) == doctest::Approx(g / 2.0).epsilon(1e-6));
          CHECK(magnitudeDb(hi, fs / 2.0, fs) == doctest::Approx(g).epsilon(1e-6));
          CHECK(std::fabs(magnitudeDb(hi, 0.0, fs)) < 1e-6);
          CHECK(magnitudeDb(hi, f0, fs) == doctest::Approx(g / 2.0).epsilon(1e-6));
        }
      }
    }
  }
}

TEST_CASE("peaking: gainDb at f0, 0 dB at DC and Nyquist, a boost and a cut cancel") {
  for (double fs : {44100.0, 48000.0}) {
    for (double f0 : {25.0, 1000.0, 18000.0}) {
      for (double g : {-18.0, -6.0, 6.0, 18.0}) {
        for (double q : {0.3, 1.0, 8.0}) {
          CAPTURE(fs);
          CAPTURE(f0);
          CAPTURE(g);
          CAPTURE(q);
          const BiquadCoefs c = biquad::peaking(fs, f0, g, q), inverse = biquad::peaking(fs, f0, -g, q);
          CHECK(magnitudeDb(c, f0, fs) == doctest::Approx(g).epsilon(1e-6));
          CHECK(std::fabs(magnitudeDb(c, 0.0, fs)) < 1e-6);
          CHECK(std::fabs(magnitudeDb(c, fs / 2.0, fs)) < 1e-6);
          for (double f = 20.0; f < fs / 2.0; f *= 1.5) CHECK(std::fabs(magnitudeDb(c, f, fs) + magnitudeDb(inverse, f, fs)) < 1e-6);
        }
      }
    }
  }
}
