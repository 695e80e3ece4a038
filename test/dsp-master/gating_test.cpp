// The histogram gates against BS.1770 / Tech 3342 computed exactly from every stored value.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "engine/realtime/dsp/loudness_gating.hpp"

using namespace ringmix::engine;

namespace {

// BS.1770 exactly; also reports the blocks above the gate and those within one bin of it.
double exactIntegrated(const std::vector<double>& ms, std::size_t* above = nullptr, std::size_t* near = nullptr) {
  std::vector<double> abs;
  for (double e : ms)
    if (loudness::toLufs(e) > -70.0) abs.push_back(e);
  if (abs.empty()) return -INFINITY;
  double s = 0.0;
  for (double e : abs) s += e;
  const double gate = loudness::toLufs(s / abs.size()) - 10.0;
  double t = 0.0;
  std::size_t n = 0, m = 0;
  for (double e : abs) {
    if (loudness::toLufs(e) > gate) t += e, ++n;
    if (std::fabs(loudness::toLufs(e) - gate) < loudness::kBinLu) ++m;
  }
  if (above) *above = n;
  if (near) *near = m;
  return n ? loudness::toLufs(t / n) : -INFINITY;
}

double exactRange(const std::vector<double>& ms) {
  std::vector<double> abs;
  for (double e : ms)
    if (loudness::toLufs(e) > -70.0) abs.push_back(e);
  if (abs.empty()) return -INFINITY;
  double s = 0.0;
  for (double e : abs) s += e;
  const double gate = loudness::toLufs(s / abs.size()) - 20.0;
  std::vector<double> l;
  for (double e : abs)
    if (loudness::toLufs(e) > gate) l.push_back(loudness::toLufs(e));
  if (l.empty()) return -INFINITY;
  std::sort(l.begin(), l.end());
  const auto at = [&](double p) { return l[static_cast<std::size_t>(std::llround((l.size() - 1) * p))]; };
  return at(0.95) - at(0.10);
}

}  // namespace

TEST_CASE("gating: histogram results within the documented bounds of the exact ones") {
  std::mt19937 rng(3);
  auto ig = std::make_unique<IntegratedGate>();
  auto rg = std::make_unique<RangeGate>();
  double worstI = 0.0, worstR = 0.0;
  for (int trial = 0; trial < 40; ++trial) {
    ig->reset();
    rg->reset();
    std::vector<double> ms;
    // Programmes of sections, each at a level with some spread, some below every gate.
    std::normal_distribution<double> spread(0.0, 1.0 + trial % 5);
    std::uniform_real_distribution<double> level(-80.0, 0.0);
    const int sections = 1 + trial % 7;
    for (int s = 0; s < sections; ++s) {
      const double l0 = level(rng);
      for (int i = 0; i < 200 + 100 * (trial % 3); ++i) ms.push_back(loudness::toMeanSquare(l0 + spread(rng)));
    }
    for (double e : ms) {
      ig->add(e);
      rg->add(e);
    }
    std::size_t above = 0, near = 0;
    const double ei = exactIntegrated(ms, &above, &near), er = exactRange(ms);
    if (std::isinf(ei)) {
      CHECK(std::isinf(ig->loudness()));
      continue;
    }
    // The documented bound: only blocks within a bin of the gate can count on the wrong side,
    // each moving the result by at most 10 log10(1 + 1/n).
    const double bound = static_cast<double>(near) * 10.0 * std::log10(1.0 + 1.0 / static_cast<double>(above)) + 1e-9;
    CHECK(std::fabs(ig->loudness() - ei) <= bound);
    worstI = std::max(worstI, std::fabs(ig->loudness() - ei));
    worstR = std::max(worstR, std::fabs(rg->range() - er));
  }
  std::printf("gating: worst |integrated - exact| %.5f LU, |range - exact| %.5f LU over 40 programmes\n", worstI, worstR);
  CHECK(worstR <= 0.0101);
}

TEST_CASE("gating: nothing above the gates reads -Infinity") {
  auto ig = std::make_unique<IntegratedGate>();
  auto rg = std::make_unique<RangeGate>();
  CHECK(std::isinf(ig->loudness()));
  CHECK(std::isinf(rg->range()));
  ig->add(loudness::toMeanSquare(-75.0));
  rg->add(0.0);
  CHECK(std::isinf(ig->loudness()));
  CHECK(std::isinf(rg->range()));
  ig->add(loudness::toMeanSquare(-23.0));
  CHECK(ig->loudness() == doctest::Approx(-23.0).epsilon(1e-9));
}

TEST_CASE("gating: values above the top bin keep their exact energy") {
  auto ig = std::make_unique<IntegratedGate>();
  for (int i = 0; i < 10; ++i) ig->add(loudness::toMeanSquare(40.0));
  CHECK(ig->loudness() == doctest::Approx(40.0).epsilon(1e-9));
}
