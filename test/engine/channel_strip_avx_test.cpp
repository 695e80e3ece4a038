// ChannelStrip's block-constant loops eight floats per AVX vector and four per SSE vector
// (channel_strip_avx.hpp), run side by side: the post-fader buffer and the bus must be the same
// bits. A stereo input (process() with settled gains: processConstant()) and a mono signal
// (processMono()), onto random bus contents, at gains from silence to +12 dB and pans from hard
// left to hard right, for every frame count from 0 to 67 and some longer ones (odd ones included:
// the tails). On a CPU without AVX only the default width is checked.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/realtime/mix/channel_strip.hpp"

using ringmix::engine::ChannelStrip;
using ringmix::engine::StripParams;

namespace {

bool avxAvailable() {
  ChannelStrip s;
  s.setVectorWidth(8);
  return s.vectorWidth() == 8;
}

// The first index where a and b differ in their bits, or -1.
long firstMismatch(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) return static_cast<long>(i);
  return -1;
}

struct Mixed {
  std::vector<float> io, bus;
};

// One block through a strip set to `p` (settled: configure() starts at the targets).
Mixed mix(const StripParams& p, bool mono, const std::vector<float>& io, const std::vector<float>& bus, std::uint32_t width) {
  ChannelStrip s;
  s.configure(2, 2, 64, p, false);
  s.setVectorWidth(width);
  REQUIRE(s.vectorWidth() == width);
  Mixed m{io, bus};
  const auto frames = static_cast<std::uint32_t>(bus.size() / 2);
  if (mono) s.processMono(m.io.data(), m.bus.data(), frames);
  else s.process(m.io.data(), m.bus.data(), frames);
  return m;
}

std::vector<std::uint32_t> frameCounts() {
  std::vector<std::uint32_t> n;
  for (std::uint32_t f = 0; f <= 67; ++f) n.push_back(f);
  for (std::uint32_t f : {127u, 128u, 129u, 255u, 256u, 1023u, 4097u}) n.push_back(f);
  return n;
}

}  // namespace

TEST_SUITE("engine-cycle") {
  TEST_CASE("channel strip AVX: the vector width is AVX's where the CPU has it, and can be set") {
    ChannelStrip s;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    CHECK(s.vectorWidth() == (__builtin_cpu_supports("avx") ? 8u : 4u));
#else
    CHECK(s.vectorWidth() == 4u);
#endif
    s.setVectorWidth(4);
    CHECK(s.vectorWidth() == 4u);
    s.configure(2, 2, 64, StripParams{}, false);  // configure() keeps the width
    CHECK(s.vectorWidth() == 4u);
  }

  TEST_CASE("channel strip AVX: stereo and mono mixing bit-identical to the SSE path") {
    if (!avxAvailable()) {
      MESSAGE("this CPU has no AVX: the AVX strip loops are not compared");
      return;
    }
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    const double gains[] = {-std::numeric_limits<double>::infinity(), -60.0, -6.0, 0.0, 3.7, 12.0};
    const double pans[] = {-1.0, -0.6, -0.01, 0.0, 0.25, 1.0};
    std::size_t cases = 0;
    for (bool mono : {false, true})
      for (double gainDb : gains)
        for (double pan : pans)
          for (std::uint32_t frames : frameCounts()) {
            StripParams p;
            p.gainDb = gainDb, p.pan = pan;
            std::vector<float> io(static_cast<std::size_t>(frames) * (mono ? 1 : 2)), bus(static_cast<std::size_t>(frames) * 2);
            for (auto& v : io) v = u(rng);
            for (auto& v : bus) v = 3.0f * u(rng);
            const Mixed sse = mix(p, mono, io, bus, 4), avx = mix(p, mono, io, bus, 8);
            INFO(std::string(mono ? "mono" : "stereo"), ", gain ", gainDb, " dB, pan ", pan, ", ", frames, " frames");
            CHECK(firstMismatch(sse.io, avx.io) == -1);
            CHECK(firstMismatch(sse.bus, avx.bus) == -1);
            // A mono signal mixes what the stereo path mixes from it on both channels, bit for
            // bit, at either width (balance pans leave each channel on its own side).
            if (mono) {
              std::vector<float> both(io.size() * 2);
              for (std::size_t f = 0; f < io.size(); ++f) both[2 * f] = both[2 * f + 1] = io[f];
              for (std::uint32_t w : {4u, 8u}) CHECK(firstMismatch(mix(p, false, both, bus, w).bus, avx.bus) == -1);
            }
            ++cases;
          }
    CHECK(cases == 2 * std::size(gains) * std::size(pans) * frameCounts().size());
  }
}
