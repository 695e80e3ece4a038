// PeakProgrammeMeter's lane loop eight samples per AVX vector and in two four-lane SSE vectors
// (peak_meter_avx.hpp), run side by side on the same blocks: after every block the readings, the
// holds and the block's levels (peak, sum of squares) must be the same bits. 1, 2, 4 and 8
// interleaved channels and a mono signal (addMono()) on as many; blocks of every size from 1 to
// 300 frames in a scrambled order; noise, tones, silence, NaN (also just after peaks) and
// infinities. On a CPU without AVX only the default width is checked.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/realtime/dsp/peak_meter.hpp"
#include "signals.hpp"

using ringmix::engine::PeakProgrammeMeter;
using namespace dsptest;

namespace {

constexpr double kRate = 48000.0;

bool avxAvailable() {
  PeakProgrammeMeter m;
  m.setVectorWidth(8);
  return m.vectorWidth() == 8;
}

template <typename T>
bool sameBits(T a, T b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}
// A sum with a NaN in it: which NaN depends on the order of an addition's operands, which the
// compiler may swap, so a NaN's payload is not part of the value.
bool sameSum(double a, double b) { return sameBits(a, b) || (std::isnan(a) && std::isnan(b)); }

// Every block size from 1 to 300 once, scrambled (97 is prime to 300): every length at every
// alignment of the eight-sample groups.
std::vector<std::uint32_t> blockSizes() {
  std::vector<std::uint32_t> sizes;
  for (std::uint32_t i = 0; i < 300; ++i) sizes.push_back((i * 97) % 300 + 1);
  return sizes;
}
constexpr std::size_t kFrames = 300 * 301 / 2;

// kFrames frames of `ch` interleaved channels.
std::vector<float> signal(const std::string& kind, unsigned ch) {
  std::vector<float> x(kFrames * ch, 0.0f);
  std::mt19937 rng(ch * 31 + static_cast<unsigned>(kind.size()));
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  if (kind == "noise") {
    for (auto& v : x) v = u(rng);
  } else if (kind == "tones") {
    // Steps of tones at levels up and down, so that holds are set, kept and expire (the signal is
    // 0.94 s long: the hold is shortened below to 0.1 s).
    const double freqs[] = {50, 997, 5003, 12000, 0.5 * kRate};
    const std::size_t step = kFrames / std::size(freqs) + 1;
    for (std::size_t n = 0; n < kFrames; ++n) {
      const std::size_t s = n / step;
      const double a = s % 2 ? 1.3 : 0.05;
      for (unsigned c = 0; c < ch; ++c)
        x[n * ch + c] = static_cast<float>(a * std::sin(2 * kPi * freqs[s] * static_cast<double>(n) / kRate + c));
    }
  } else if (kind == "silence+") {
    // Silence with a few isolated samples and subnormals.
    std::uniform_int_distribution<std::size_t> at(0, x.size() - 1);
    for (int i = 0; i < 20; ++i) x[at(rng)] = i % 2 ? 0.8f : -0.25f;
    for (int i = 0; i < 50; ++i) x[at(rng)] = std::numeric_limits<float>::denorm_min() * static_cast<float>(1 + i);
  } else if (kind == "nonfinite") {
    for (auto& v : x) v = u(rng);
    std::uniform_int_distribution<std::size_t> at(0, x.size() - 1);
    const float specials[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::max(),
                              -std::numeric_limits<float>::quiet_NaN()};
    for (int i = 0; i < 40; ++i) x[at(rng)] = specials[i % std::size(specials)];
  } else if (kind == "peak+NaN") {
    // Quiet noise; peaks each followed in their lane (eight samples on) by a NaN: a maximum
    // taken with its operands the other way round would lose the peak to the NaN.
    for (auto& v : x) v = 0.1f * u(rng);
    for (std::size_t i = 37; i + 8 < x.size(); i += 997) x[i] = 0.9f, x[i + 8] = std::numeric_limits<float>::quiet_NaN();
  }
  return x;
}

struct Reading {
  float peakDb[PeakProgrammeMeter::kMaxChannels];
  float holdDb[PeakProgrammeMeter::kMaxChannels];
  PeakProgrammeMeter::BlockLevels levels;
};

// After every block: the readings and the block's levels. `mono`: x is one channel, metered as
// `ch` channels carrying it.
std::vector<Reading> run(const std::vector<float>& x, unsigned ch, bool mono, std::uint32_t width) {
  PeakProgrammeMeter m;
  m.configure(kRate, ch, 0.1);
  m.setVectorWidth(width);
  REQUIRE(m.vectorWidth() == width);
  const unsigned stride = mono ? 1 : ch;
  std::vector<Reading> out;
  std::size_t pos = 0;
  for (std::uint32_t n : blockSizes()) {
    Reading r{};
    if (mono) m.addMono(&x[pos * stride], n, &r.levels);
    else m.add(&x[pos * stride], n, &r.levels);
    for (unsigned c = 0; c < ch; ++c) r.peakDb[c] = m.peakDb(c), r.holdDb[c] = m.holdDb(c);
    out.push_back(r);
    pos += n;
  }
  REQUIRE(pos * stride == x.size());
  return out;
}

}  // namespace

TEST_CASE("peak meter AVX: the vector width is AVX's where the CPU has it, and can be set") {
  PeakProgrammeMeter m;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  CHECK(m.vectorWidth() == (__builtin_cpu_supports("avx") ? 8u : 4u));
#else
  CHECK(m.vectorWidth() == 4u);
#endif
  m.setVectorWidth(4);
  CHECK(m.vectorWidth() == 4u);
  m.configure(44100, 2);  // configure() keeps the width
  CHECK(m.vectorWidth() == 4u);
  m.setVectorWidth(8);
  CHECK(m.vectorWidth() == (avxAvailable() ? 8u : 4u));
}

TEST_CASE("peak meter AVX: readings, holds and block levels bit-identical to the SSE path") {
  if (!avxAvailable()) {
    MESSAGE("this CPU has no AVX: the AVX lane loop is not compared");
    return;
  }
  for (unsigned ch : {1u, 2u, 4u, 8u}) {
    for (bool mono : {false, true}) {
      for (const std::string kind : {"noise", "tones", "silence+", "nonfinite", "peak+NaN"}) {
        INFO(kind, ", ", ch, " channel(s)", std::string(mono ? ", mono" : ""));
        const std::vector<float> x = signal(kind, mono ? 1 : ch);
        const std::vector<Reading> sse = run(x, ch, mono, 4), avx = run(x, ch, mono, 8);
        REQUIRE(sse.size() == avx.size());
        std::size_t mismatches = 0, first = 0, shown = 0;
        for (std::size_t b = 0; b < sse.size(); ++b) {
          bool same = true;
          for (unsigned c = 0; c < ch; ++c) {
            same = same && sameBits(sse[b].peakDb[c], avx[b].peakDb[c]) && sameBits(sse[b].holdDb[c], avx[b].holdDb[c]);
            same = same && sameBits(sse[b].levels.peak[c], avx[b].levels.peak[c]);
            same = same && sameSum(sse[b].levels.sumSq[c], avx[b].levels.sumSq[c]);
            shown += std::isfinite(sse[b].peakDb[c]) && sse[b].holdDb[c] > sse[b].peakDb[c];
          }
          if (!same && mismatches++ == 0) first = b;
        }
        INFO("first mismatch after block ", first);
        CHECK(mismatches == 0);
        if (kind == "tones") CHECK(shown > 0);  // holds above the reading: the hold logic ran
      }
    }
  }
}

TEST_CASE("peak meter: addMono() reads on every channel what add() reads with the signal on each") {
  // The mono path combines its lanes once for all channels; the interleaved copy's readings
  // differ from it only by the order its lanes are summed (sumSq) and the weights' rounding.
  const std::vector<float> x = signal("tones", 1);
  for (unsigned ch : {2u, 4u, 8u}) {
    std::vector<float> spread(x.size() * ch);
    for (std::size_t n = 0; n < x.size(); ++n)
      for (unsigned c = 0; c < ch; ++c) spread[n * ch + c] = x[n];
    const std::vector<Reading> one = run(x, ch, true, 4), all = run(spread, ch, false, 4);
    for (std::size_t b = 0; b < one.size(); b += 7)
      for (unsigned c = 0; c < ch; ++c) {
        INFO(ch, " channels, block ", b, ", channel ", c);
        if (one[b].peakDb[c] != all[b].peakDb[c])  // (both -Infinity on silence)
          REQUIRE(one[b].peakDb[c] == doctest::Approx(all[b].peakDb[c]).epsilon(1e-4));
        REQUIRE(one[b].levels.peak[c] == all[b].levels.peak[c]);
        REQUIRE(one[b].levels.sumSq[c] == doctest::Approx(all[b].levels.sumSq[c]).epsilon(1e-5));
        REQUIRE(sameBits(one[b].peakDb[c], one[b].peakDb[0]));
      }
  }
}
