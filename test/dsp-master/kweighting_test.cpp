// K-weighting: the 48 kHz coefficients come back exactly from the analogue sections read out of
// them, and other rates keep the same response.
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <cstdio>

#include "engine/realtime/dsp/k_weighting.hpp"

using namespace ringmix::engine;

namespace {

double responseDb(const BiquadCoefficients& c, double f, double fs) {
  const std::complex<double> z = std::polar(1.0, -2.0 * 3.14159265358979323846 * f / fs);  // z^-1
  const auto h = (c.b0 + c.b1 * z + c.b2 * z * z) / (1.0 + c.a1 * z + c.a2 * z * z);
  return 20.0 * std::log10(std::abs(h));
}
double kDb(double f, double fs) {
  return responseDb(KWeighting::shelf(fs), f, fs) + responseDb(KWeighting::highPass(fs), f, fs);
}

}  // namespace

TEST_CASE("k-weighting: 48 kHz reproduces BS.1770-4's published coefficients") {
  const auto a = KWeighting::shelf(48000), b = KWeighting::highPass(48000);
  const auto& pa = KWeighting::kShelf48k;
  const auto& pb = KWeighting::kHighPass48k;
  CHECK(a.b0 == doctest::Approx(pa.b0).epsilon(1e-12));
  CHECK(a.b1 == doctest::Approx(pa.b1).epsilon(1e-12));
  CHECK(a.b2 == doctest::Approx(pa.b2).epsilon(1e-12));
  CHECK(a.a1 == doctest::Approx(pa.a1).epsilon(1e-12));
  CHECK(a.a2 == doctest::Approx(pa.a2).epsilon(1e-12));
  CHECK(b.b0 == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(b.b1 == doctest::Approx(-2.0).epsilon(1e-12));
  CHECK(b.b2 == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(b.a1 == doctest::Approx(pb.a1).epsilon(1e-12));
  CHECK(b.a2 == doctest::Approx(pb.a2).epsilon(1e-12));
  // The analogue sections are the known ones: a +4 dB shelf at ~1682 Hz, a ~38 Hz high-pass.
  const auto s = AnalogBiquad::fromDigital(pa, 48000);
  CHECK(s.f0 == doctest::Approx(1681.97).epsilon(1e-5));
  CHECK(20 * std::log10(s.hf) == doctest::Approx(4.0).epsilon(1e-3));
  CHECK(AnalogBiquad::fromDigital(pb, 48000).f0 == doctest::Approx(38.135).epsilon(1e-4));
}

TEST_CASE("k-weighting: other rates match 48 kHz's response over the band they share") {
  // Compared up to 0.3 fs and 16 kHz. Below 32 kHz a biquad cannot follow the 48 kHz shelf (whose
  // top, ~3 kHz and up, is squeezed under the new Nyquist frequency by the bilinear transform):
  // documented in k_weighting.hpp, as libebur128's design does the same.
  for (double fs : {8000.0, 16000.0, 22050.0, 32000.0, 44100.0, 88200.0, 96000.0, 192000.0, 384000.0}) {
    double worst = 0.0;
    for (double f = 10.0; f <= std::min(0.3 * fs, 16000.0); f *= 1.05) worst = std::max(worst, std::fabs(kDb(f, fs) - kDb(f, 48000)));
    std::printf("k-weighting @ %6.0f Hz: largest difference from 48 kHz %.4f dB (10 Hz .. %.0f Hz)\n", fs, worst,
                std::min(0.3 * fs, 16000.0));
    CHECK(worst < (fs >= 32000 ? 0.02 : fs >= 16000 ? 0.1 : 0.3));
  }
}

TEST_CASE("k-weighting: a 1 kHz tone reads its level (the -0.691 dB offset cancels the gain at 1 kHz)") {
  // The published filters give +0.698 dB at 1 kHz: a 1 kHz tone reads 0.007 LU high by the
  // standard itself.
  CHECK(std::fabs(kDb(1000, 48000) - 0.691) < 0.01);
  CHECK(std::fabs(kDb(1000, 44100) - 0.691) < 0.01);
}
