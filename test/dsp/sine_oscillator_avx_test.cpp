// SineOscillator's three recurrence steps, one eight-double AVX-512 vector, two four-double AVX
// vectors (sine_oscillator_avx.hpp) and four two-double SSE2 ones, run side by side (AVX-512
// where the CPU has it): every sample must be the same bits, and so the
// lanes' state (an oscillator switching path between renders goes on as either would alone).
// Frequencies from 20 Hz to 0.45·fs, on and near multiples of fs/16 (where the phasor runs
// instead of the recurrence), render sizes of every length from 1 to 300 in scrambled orders (a
// pass spans 11 anchors of 4096 samples), mono and stereo, the amplitude changed mid-run. Also,
// on whichever path the CPU runs: the samples are the same bits however the run is cut into
// renders and whichever channel count each render asks for. On a CPU without AVX the comparisons
// are skipped (MESSAGE) and only the cut-invariance is checked.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/realtime/dsp/cpu_avx.hpp"
#include "engine/realtime/sources/sine_oscillator.hpp"

using ringmix::engine::SineOscillator;

namespace {

constexpr double kRate = 48000.0;

// Every render size from 1 to 300 once, in a scrambled order (97 is prime to 300): renders of
// every length start at every offset in a group of eight.
std::vector<std::uint32_t> renderSizes(std::uint32_t start) {
  std::vector<std::uint32_t> sizes;
  for (std::uint32_t i = 0; i < 300; ++i) sizes.push_back((start + i * 97) % 300 + 1);
  return sizes;
}
constexpr std::size_t kSamples = 300 * 301 / 2;  // one pass over renderSizes()

std::vector<double> frequencies() {
  std::vector<double> f = {20.0, 440.0, 997.0, 1000.0, 0.45 * kRate, 23999.0, 12345.6, 1.0};
  // On, just off and ~0.1 % off multiples of fs/16 (3000 Hz): the phasor, and the recurrence at
  // the edge of its band.
  for (double m = 1; m <= 7; ++m)
    for (double d : {0.0, 0.5, 2.0, 3.0, 4.0, -3.5, 30.0}) f.push_back(m * kRate / 16 + d);
  for (int i = 0; i < 24; ++i) f.push_back(20.0 * std::pow(1000.0, i / 23.0) * 1.013);  // 20 Hz .. 20 kHz
  return f;
}

// The amplitude at a render: changed every 37th render, to 0 once (a silent stretch, then back).
float amplitudeAt(std::size_t render) {
  if (render % 37 != 36) return render < 36 ? 0.5f : 0.25f + 0.01f * static_cast<float>(render % 50);
  return render == 36 ? 0.0f : 0.8f;
}

// The run of kSamples samples, each render of `sizes` on C channels (C = 0: alternate 1 and 2),
// avx picking the path (or, -1, alternating it per render). Mono: channel 0 of each frame; the
// other channel must be the same bits.
std::vector<float> run(double hz, const std::vector<std::uint32_t>& sizes, int c, int avx, bool withAmplitudes,
                       std::uint32_t lead = 0) {
  SineOscillator osc;
  osc.configure(hz / kRate);
  osc.setLead(lead);
  std::vector<float> out, buf(2 * 300);
  out.reserve(kSamples);
  for (std::size_t r = 0; r < sizes.size(); ++r) {
    // avx: 0 SSE2, 1 AVX, 2 AVX-512; -1 alternating SSE2 and AVX, -2 cycling through all three.
    const int path = avx == -1 ? static_cast<int>(r % 2) : avx == -2 ? static_cast<int>(r % 3) : avx;
    osc.useAvx(path >= 1);
    osc.useAvx512(path == 2);
    const std::uint32_t n = sizes[r];
    const float a = withAmplitudes ? amplitudeAt(r) : 1.0f;
    const int channels = c == 0 ? 1 + static_cast<int>(r % 2) : c;
    if (channels == 1) {
      osc.render<1>(buf.data(), n, a);
      out.insert(out.end(), buf.begin(), buf.begin() + n);
    } else {
      osc.render<2>(buf.data(), n, a);
      for (std::uint32_t i = 0; i < n; ++i) {
        if (std::memcmp(&buf[2 * i], &buf[2 * i + 1], sizeof(float)) != 0) FAIL("stereo channels differ");
        out.push_back(buf[2 * i]);
      }
    }
  }
  return out;
}

std::size_t mismatches(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < a.size(); ++i) bad += std::memcmp(&a[i], &b[i], sizeof(float)) != 0;
  return bad;
}

}  // namespace

TEST_CASE("sine oscillator AVX: the same bits as SSE2, any frequency, render sizes, channels, amplitudes") {
  if (!ringmix::engine::simd::kCpuHasAvx) {
    MESSAGE("this CPU has no AVX: the AVX step is not compared");
    return;
  }
  {
    SineOscillator osc;
    osc.configure(0.01);
    CHECK(osc.usesAvx());  // configure() picks it
    CHECK(osc.usesAvx512() == ringmix::engine::simd::kCpuHasAvx512);  // and AVX-512 where there is
    osc.useAvx(false);
    CHECK_FALSE(osc.usesAvx());
    CHECK_FALSE(osc.usesAvx512());
  }
  std::size_t checked = 0;
  for (double hz : frequencies())
    for (int c : {1, 2, 0})
      for (bool amplitudes : {false, true}) {
        const auto sizes = renderSizes(static_cast<std::uint32_t>(hz) + static_cast<std::uint32_t>(c));
        const auto sse = run(hz, sizes, c, 0, amplitudes);
        const auto avx = run(hz, sizes, c, 1, amplitudes);
        const auto both = run(hz, sizes, c, -1, amplitudes);  // the path switched every render
        INFO(hz << " Hz, channels " << c << (amplitudes ? ", amplitude changes" : ""));
        CHECK(sse.size() == kSamples);
        CHECK(mismatches(sse, avx) == 0);
        CHECK(mismatches(sse, both) == 0);
        if (ringmix::engine::simd::kCpuHasAvx512) {
          CHECK(mismatches(sse, run(hz, sizes, c, 2, amplitudes)) == 0);
          CHECK(mismatches(sse, run(hz, sizes, c, -2, amplitudes)) == 0);
        }
        checked += sse.size();
      }
  MESSAGE(checked << " samples compared");
}

TEST_CASE("sine oscillator: the same bits however the run is cut into renders, mono or stereo, on either path") {
  std::vector<int> paths = {0};
  if (ringmix::engine::simd::kCpuHasAvx) paths.push_back(1);
  if (ringmix::engine::simd::kCpuHasAvx512) paths.push_back(2);
  for (int avx : paths)
    for (double hz : {20.0, 997.0, 3000.0, 6000.5, 0.45 * kRate}) {
      // The whole run in one render, then cut into every size from 1 to 300 in two orders.
      const std::vector<std::uint32_t> one = {static_cast<std::uint32_t>(kSamples)};
      std::vector<float> whole;
      {
        SineOscillator osc;
        osc.configure(hz / kRate);
        osc.useAvx(avx >= 1);
        osc.useAvx512(avx == 2);
        whole.resize(kSamples);
        osc.render<1>(whole.data(), static_cast<std::uint32_t>(kSamples), 1.0f);
      }
      INFO(hz << " Hz, " << (avx == 2 ? "AVX-512" : avx ? "AVX" : "SSE2"));
      for (std::uint32_t start : {0u, 151u})
        for (int c : {1, 2, 0}) CHECK(mismatches(whole, run(hz, renderSizes(start), c, avx, false)) == 0);
    }
}

TEST_CASE("sine oscillator with a lead: still sin() within 2 LSB from sample 0, the same bits however cut, on either path") {
  std::vector<int> paths = {0};
  if (ringmix::engine::simd::kCpuHasAvx) paths.push_back(1);
  if (ringmix::engine::simd::kCpuHasAvx512) paths.push_back(2);
  for (std::uint32_t lead = 1; lead < SineOscillator::kLanes; ++lead)
    for (double hz : {20.0, 997.0, 3000.0, 6000.5, 0.45 * kRate}) {
      std::vector<float> whole(kSamples);
      {
        SineOscillator osc;
        osc.configure(hz / kRate);
        osc.setLead(lead);
        osc.render<1>(whole.data(), static_cast<std::uint32_t>(kSamples), 1.0f);
      }
      double worst = 0.0;
      for (std::size_t i = 0; i < whole.size(); ++i)
        worst = std::max(worst, std::fabs(whole[i] - std::sin(6.283185307179586 * std::fmod(hz / kRate * static_cast<double>(i), 1.0))));
      INFO(hz << " Hz, lead " << lead << ": worst error " << worst);
      CHECK(worst < 2 * 6e-8);
      // Renders that start where the groups do (8k - lead) and ones that do not, stereo, mono, AVX.
      std::vector<std::uint32_t> aligned = {SineOscillator::kLanes - lead};
      for (std::size_t n = aligned[0]; n + 128 <= kSamples; n += 128) aligned.push_back(128);
      aligned.push_back(static_cast<std::uint32_t>(kSamples - (aligned.size() - 1) * 128 - aligned[0]));
      for (int avx : paths) {
        CHECK(mismatches(whole, run(hz, aligned, 1, avx, false, lead)) == 0);
        for (int c : {1, 2, 0}) CHECK(mismatches(whole, run(hz, renderSizes(lead * 13), c, avx, false, lead)) == 0);
      }
    }
}
