// The dynamics blocks' fast log2/exp2 against the standard library, over the range they meet:
// levels from -600 dBFS to +60 dBFS, gains of ±1000 octaves. The bounds are the ones
// fast_math.hpp promises; in dB both stay far below anything audible (1e-6 dB).
#include <doctest/doctest.h>

#include <cmath>

#include "engine/realtime/dsp/fast_math.hpp"

using namespace ringmix::engine::dsp::fastmath;

TEST_CASE("fastLog2 is within 5e-8 of log2 (under 3e-7 dB)") {
  double worst = 0.0;
  for (double l2 = -99.0; l2 <= 10.0; l2 += 0.000613) {
    const double x = std::exp2(l2);
    worst = std::fmax(worst, std::fabs(fastLog2(x) - std::log2(x)));
  }
  MESSAGE("fastLog2 max error: " << worst << " (" << worst * kDbPerLog2 << " dB)");
  CHECK(worst < 5e-8);
  CHECK(fastLog2(0.0) == doctest::Approx(std::log2(1e-30)).epsilon(1e-6));  // clamped, never -inf
  CHECK(std::isfinite(fastLog2(std::nan(""))));
}

TEST_CASE("fastExp2 is within 1e-8 relative of exp2 (under 1e-7 dB)") {
  double worst = 0.0;
  for (double y = -999.0; y <= 999.0; y += 0.00731) worst = std::fmax(worst, std::fabs(fastExp2(y) / std::exp2(y) - 1.0));
  MESSAGE("fastExp2 max relative error: " << worst << " (" << 20.0 * std::log10(1.0 + worst) << " dB)");
  CHECK(worst < 1e-8);
  CHECK(fastExp2(0.0) == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(std::isfinite(fastExp2(std::nan(""))));
  CHECK(fastFromDb(-6.0205999132796239) == doctest::Approx(0.5).epsilon(1e-9));
}

TEST_CASE("fastExp2f is within 4e-7 relative of exp2 (under 4e-6 dB)") {
  double worst = 0.0;
  for (double y = -125.0; y <= 125.0; y += 0.000731) {
    const auto yf = static_cast<float>(y);
    worst = std::fmax(worst, std::fabs(static_cast<double>(fastExp2f(yf)) / std::exp2(static_cast<double>(yf)) - 1.0));
  }
  MESSAGE("fastExp2f max relative error: " << worst << " (" << 20.0 * std::log10(1.0 + worst) << " dB)");
  CHECK(worst < 4e-7);
  CHECK(fastExp2f(0.0f) == 1.0f);
  CHECK(std::isfinite(fastExp2f(std::nanf(""))));
  CHECK(fastExp2f(-1000.0f) > 0.0f);
}
