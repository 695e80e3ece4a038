// Mono and stereo: the filters treat the channels of a stereo signal independently, exactly as two
// mono runs (so the two-lane stereo loop and the scalar loop compute the same thing); the dynamics
// blocks, linked, give a mono signal the gain they give a stereo one with that signal on both sides.
// Blocks of odd sizes (1 to 4096 frames) on the way.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "analysis.hpp"
#include "engine/realtime/dsp/compressor.hpp"
#include "engine/realtime/dsp/equalizer.hpp"
#include "engine/realtime/dsp/gate.hpp"
#include "engine/realtime/dsp/high_pass.hpp"

using namespace ringmix::engine::dsp;

namespace {

constexpr double kFs = 48000.0;
constexpr std::size_t kFrames = 48000;

std::vector<float> noise(std::uint32_t seed, float amp) {
  std::vector<float> x(kFrames);
  for (auto& v : x) {
    seed = seed * 1664525u + 1013904223u;
    v = (static_cast<float>(seed >> 8) / 16777216.0f - 0.5f) * 2.0f * amp;
  }
  return x;
}

// Runs `block` (configured for `channels`) over x in blocks of varying size, with one parameter
// change a third of the way in (so fades run in both layouts too).
template <typename Block, typename Params>
void runBlocks(Block& block, std::vector<float>& x, std::uint32_t channels, const Params& p1, const Params& p2) {
  block.configure(kFs, channels, 480);
  block.set(p1);
  const std::uint32_t sizes[] = {1, 7, 64, 4096, 300, 129, 2048, 33};
  std::size_t f = 0;
  for (int i = 0; f < kFrames; ++i) {
    if (f >= kFrames / 3 && f < kFrames / 3 + 4096) block.set(p2);
    const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(sizes[i % 8], kFrames - f));
    block.process(x.data() + f * channels, n);
    f += n;
  }
}

template <typename Block, typename Params>
void checkIndependent(const Params& p1, const Params& p2) {
  std::vector<float> l = noise(1, 0.3f), r = noise(2, 0.3f), stereo(2 * kFrames);
  for (std::size_t f = 0; f < kFrames; ++f) {
    stereo[2 * f] = l[f];
    stereo[2 * f + 1] = r[f];
  }
  Block s, ml, mr;
  runBlocks(s, stereo, 2, p1, p2);
  runBlocks(ml, l, 1, p1, p2);
  runBlocks(mr, r, 1, p1, p2);
  std::size_t differ = 0;
  for (std::size_t f = 0; f < kFrames; ++f) differ += stereo[2 * f] != l[f] || stereo[2 * f + 1] != r[f];
  CHECK(differ == 0);
}

template <typename Block, typename Params>
void checkLinked(const Params& p1, const Params& p2) {
  std::vector<float> m = noise(3, 0.5f), stereo(2 * kFrames);
  for (std::size_t f = 0; f < kFrames; ++f) stereo[2 * f] = stereo[2 * f + 1] = m[f];
  Block s, mono;
  runBlocks(s, stereo, 2, p1, p2);
  runBlocks(mono, m, 1, p1, p2);
  std::size_t differ = 0;
  for (std::size_t f = 0; f < kFrames; ++f) differ += stereo[2 * f] != m[f] || stereo[2 * f + 1] != m[f];
  CHECK(differ == 0);
}

}  // namespace

TEST_CASE("filters: stereo is two independent mono channels, bit for bit") {
  checkIndependent<HighPass>(HighPassParams{true, 120, 24}, HighPassParams{true, 60, 12});
  checkIndependent<Equalizer>(EqParams{true, {80, 6, 0.7071}, {1500, -9, 2}, {8000, 4, 0.7071}},
                              EqParams{true, {200, -3, 0.7071}, {700, 0, 2}, {12000, 9, 0.7071}});
}

TEST_CASE("dynamics: a mono signal gets the gain a stereo pair of it gets") {
  checkLinked<Compressor>(CompressorParams{true, -20, 4, 5, 80, 6, 3}, CompressorParams{true, -30, 8, 1, 200, 0, 6});
  checkLinked<Gate>(GateParams{true, -12, 40, 1, 20, 50}, GateParams{true, -8, 60, 5, 5, 100});
}
