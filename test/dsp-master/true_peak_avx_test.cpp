// TruePeakDetector's two block FIRs, eight frames per AVX vector and four per SSE vector
// (true_peak_avx.hpp), run side by side on the same signals: every oversampled value
// (oversample(), the limiter's) and every block peak (process()/processAbove(), the meter's) must
// be the same bits, and phases 1-3 the same as interpolate()'s frame by frame (its phase 0 is a
// sum too, NaN where a tap it weights by 0 is infinite; oversample() takes the sample itself). Noise, tones up to fs/2,
// impulses and subnormals, NaN and infinities; blocks of every size from 1 to 300 frames; 1, 2
// and 6 channels. On a CPU without AVX only the four-lane path is checked (against interpolate()).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/realtime/dsp/true_peak.hpp"
#include "signals.hpp"

using ringmix::engine::TruePeakDetector;
using namespace dsptest;

namespace {

constexpr double kRate = 48000.0;
constexpr std::uint32_t kF = TruePeakDetector::kFactor;

bool avxAvailable() {
  TruePeakDetector d;
  d.setVectorWidth(8);
  return d.vectorWidth() == 8;
}
bool avx512Available() {
  TruePeakDetector d;
  d.setVectorWidth(16);
  return d.vectorWidth() == 16;
}

// The same bits, or both NaN: which NaN an addition of two NaNs returns depends on its operand
// order, which the compiler may swap (it treats float addition as commutative), so a NaN's
// payload is not part of the value. Every non-NaN value must match bit for bit.
bool same(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }
bool sameBits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Every block size from 1 to 300 once, in a scrambled order (97 is prime to 300), so that
// blocks of every length start at every alignment of the eight- and four-frame groups.
std::vector<std::uint32_t> blockSizes(std::uint32_t start) {
  std::vector<std::uint32_t> sizes;
  for (std::uint32_t i = 0; i < 300; ++i) sizes.push_back((start + i * 97) % 300 + 1);
  return sizes;
}
constexpr std::size_t kFrames = 300 * 301 / 2;  // one pass over blockSizes()

// Interleaved test signals, kFrames frames of `ch` channels.
std::vector<float> signal(const std::string& kind, unsigned ch) {
  std::vector<float> x(kFrames * ch, 0.0f);
  std::mt19937 rng(ch * 101 + static_cast<unsigned>(kind.size()));
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  if (kind == "noise") {
    for (auto& v : x) v = u(rng);
  } else if (kind == "tones") {
    // Steps of tones from 20 Hz to fs/2 (fs/2 itself: +-1 alternating), each channel at its own
    // phase, some over full scale.
    const double freqs[] = {20, 997, 5003, 12000, 0.43 * kRate, 0.47 * kRate, 0.49 * kRate, 0.4999 * kRate, 0.5 * kRate};
    const std::size_t step = kFrames / std::size(freqs) + 1;
    for (std::size_t n = 0; n < kFrames; ++n) {
      const std::size_t s = n / step;
      const double a = s % 2 ? 1.9 : 0.7;
      for (unsigned c = 0; c < ch; ++c)
        x[n * ch + c] = static_cast<float>(a * std::sin(2 * kPi * freqs[s] * static_cast<double>(n) / kRate + 0.3 + c));
    }
  } else if (kind == "impulses") {
    // Isolated, paired and clustered impulses of either sign, and subnormals.
    std::uniform_int_distribution<std::size_t> at(0, kFrames * ch - 1);
    for (int i = 0; i < 400; ++i) x[at(rng)] = i % 2 ? 1.0f : -0.5f;
    for (int i = 0; i < 50; ++i) {
      const std::size_t j = at(rng) / 2;
      x[j] = 1.0f, x[j + ch] = -1.0f, x[j + 2 * ch] = 1.0f;
    }
    for (int i = 0; i < 400; ++i) x[at(rng)] = (i % 2 ? 1.0f : -1.0f) * std::numeric_limits<float>::denorm_min() * (1 + i);
  } else if (kind == "nonfinite") {
    // Noise with NaN, +-infinity and the largest floats (whose products and sums overflow) here
    // and there, each poisoning the 64 frames its taps reach.
    for (auto& v : x) v = u(rng);
    std::uniform_int_distribution<std::size_t> at(0, kFrames * ch - 1);
    const float specials[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::max(),
                              -std::numeric_limits<float>::max(), -std::numeric_limits<float>::quiet_NaN()};
    for (int i = 0; i < 60; ++i) x[at(rng)] = specials[i % std::size(specials)];
  }
  return x;
}

// All oversampled values of x, in oversample()'s layout, computed in blocks (split at kChunk).
std::vector<float> oversampled(const std::vector<float>& x, unsigned ch, std::uint32_t width, std::uint32_t start) {
  TruePeakDetector d;
  d.configure(ch);
  d.setVectorWidth(width);
  REQUIRE(d.vectorWidth() == width);
  std::vector<float> out(x.size() * kF);
  const std::size_t frames = x.size() / ch;
  std::size_t pos = 0;
  for (std::uint32_t size : blockSizes(start)) {
    for (std::uint32_t done = 0; done < size && pos < frames;) {
      const auto n = static_cast<std::uint32_t>(std::min<std::size_t>({size - done, TruePeakDetector::kChunk, frames - pos}));
      d.oversample(&x[pos * ch], n, &out[pos * ch * kF]);
      pos += n, done += n;
    }
  }
  REQUIRE(pos == frames);
  return out;
}

// The same values frame by frame.
std::vector<float> interpolated(const std::vector<float>& x, unsigned ch) {
  TruePeakDetector d;
  d.configure(ch);
  std::vector<float> out(x.size() * kF);
  for (std::size_t n = 0; n < x.size() / ch; ++n) d.interpolate(&x[n * ch], &out[n * ch * kF]);
  return out;
}

// Block peaks from process() (above < 0) or processAbove() (given the running maximum).
std::vector<float> peaks(const std::vector<float>& x, unsigned ch, std::uint32_t width, bool above) {
  TruePeakDetector d;
  d.configure(ch);
  d.setVectorWidth(width);
  REQUIRE(d.vectorWidth() == width);
  std::vector<float> out;
  float known = 0.0f;
  std::size_t pos = 0;
  for (std::uint32_t size : blockSizes(131)) {
    const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(size, x.size() / ch - pos));
    const float p = above ? d.processAbove(&x[pos * ch], n, known) : d.process(&x[pos * ch], n);
    known = std::max(known, p);
    out.push_back(p);
    pos += n;
  }
  return out;
}

// The peak process() must read for the block of n frames at frame pos: the largest magnitude of
// its oversampled values, NaNs left out.
float peakOf(const std::vector<float>& values, unsigned ch, std::size_t pos, std::uint32_t n) {
  float m = 0.0f;
  for (std::size_t i = pos * ch * kF; i < (pos + n) * ch * kF; ++i) {
    const float a = std::fabs(values[i]);
    m = a > m ? a : m;
  }
  return m;
}

}  // namespace

TEST_CASE("true peak AVX: the vector width is AVX's where the CPU has it, and can be set") {
  TruePeakDetector d;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  CHECK(d.vectorWidth() == (ringmix::engine::simd::kCpuHasAvx512 ? 16u : __builtin_cpu_supports("avx") ? 8u : 4u));
#else
  CHECK(d.vectorWidth() == 4u);
#endif
  d.setVectorWidth(4);
  CHECK(d.vectorWidth() == 4u);
  d.setVectorWidth(8);
  CHECK(d.vectorWidth() == (avxAvailable() ? 8u : 4u));
  d.setVectorWidth(16);
  CHECK(d.vectorWidth() == (avx512Available() ? 16u : avxAvailable() ? 8u : 4u));
  if (!avxAvailable()) MESSAGE("this CPU has no AVX: only the four-lane path is checked");
  if (!avx512Available()) MESSAGE("this CPU has no AVX-512: the sixteen-lane path is not checked");
}

TEST_CASE("true peak AVX: oversample() and process() bit-identical to the SSE path and to interpolate()") {
  const bool avx = avxAvailable();
  for (unsigned ch : {1u, 2u, 6u}) {
    for (const std::string kind : {"noise", "tones", "impulses", "nonfinite"}) {
      INFO(kind, ", ", ch, " channel(s)");
      const std::vector<float> x = signal(kind, ch);
      // The four-lane path in blocks, checked against interpolate(), is the reference.
      const std::vector<float> reference = oversampled(x, ch, 4, 0);
      const std::vector<float> framewise = interpolated(x, ch);
      std::vector<std::vector<float>> paths{framewise, oversampled(x, ch, 4, 7)};
      if (avx) paths.push_back(oversampled(x, ch, 8, 0)), paths.push_back(oversampled(x, ch, 8, 7));
      if (avx512Available()) paths.push_back(oversampled(x, ch, 16, 0)), paths.push_back(oversampled(x, ch, 16, 7));
      for (std::size_t k = 0; k < paths.size(); ++k) {
        std::size_t mismatches = 0, first = 0;
        for (std::size_t i = 0; i < reference.size(); ++i)
          if ((k > 0 || i % kF != 0) && !same(paths[k][i], reference[i]) && mismatches++ == 0) first = i;
        INFO("path ", k, ": first mismatch at value ", first, " (frame ", first / (ch * kF), "): ", paths[k][first],
             " vs ", reference[first]);
        CHECK(mismatches == 0);
      }
      std::size_t nans = 0;
      for (float v : reference) nans += std::isnan(v);
      if (kind == "nonfinite") CHECK(nans > 0);  // the case is not vacuous

      // The meter's peaks: the same bits at both widths, with and without processAbove()'s
      // shortcut, and the peak of the limiter's values for the same frames.
      for (bool above : {false, true}) {
        const std::vector<float> p4 = peaks(x, ch, 4, above);
        std::size_t pos = 0, b = 0;
        for (std::uint32_t size : blockSizes(131)) {
          const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(size, x.size() / ch - pos));
          INFO("block ", b, " of ", n, " frames, processAbove: ", above);
          if (!above || p4[b] > 0.0f) REQUIRE(sameBits(p4[b], peakOf(reference, ch, pos, n)));
          pos += n, ++b;
        }
        for (std::uint32_t width : {8u, 16u}) {
          if (width == 8 ? !avx : !avx512Available()) continue;
          const std::vector<float> pw = peaks(x, ch, width, above);
          REQUIRE(pw.size() == p4.size());
          for (std::size_t i = 0; i < p4.size(); ++i) {
            INFO("block ", i, ", width ", width, ", processAbove: ", above);
            REQUIRE(sameBits(pw[i], p4[i]));
          }
        }
      }
    }
  }
}
