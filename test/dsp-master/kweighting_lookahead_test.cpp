// K-weighting in look-ahead form (k_weighting_lookahead.hpp, k_weighting_avx.hpp) against the
// direct form I it replaced, and against a long-double direct form as the reference: noise and
// tones from 20 Hz to 20 kHz at 44.1 .. 384 kHz, the sums over 8192-frame runs as the loudness
// meter takes them. Then the history: blocks cut differently (1 frame, odd lengths, 8192, random)
// give every frame's output bit for bit, and the mono, SSE2 and AVX paths the same sums.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <tuple>
#include <vector>

#include "engine/realtime/dsp/k_weighting.hpp"

using ringmix::engine::BiquadCoefficients;
using ringmix::engine::KWeighting;

namespace {

constexpr double kPi = 3.14159265358979323846;

// The direct form I of the previous version, in T (double: as it was; long double: the reference).
template <class T, class C>
struct Direct {
  C a, b;
  T x1 = 0, x2 = 0, u1 = 0, u2 = 0, v1 = 0, v2 = 0;
  Direct(C shelf, C highPass) : a(shelf), b(highPass) {}
  T sumOfSquares(const float* x, std::uint32_t frames, std::uint32_t stride) {
    T sum = 0;
    for (std::uint32_t i = 0; i < frames; ++i) {
      const T in = x[static_cast<std::size_t>(i) * stride];
      const T u = ((((T)a.b0 * in + (T)a.b1 * x1) + (T)a.b2 * x2) - (T)a.a2 * u2) - (T)a.a1 * u1;
      const T v = ((((T)b.b0 * u + (T)b.b1 * u1) + (T)b.b2 * u2) - (T)b.a2 * v2) - (T)b.a1 * v1;
      x2 = x1, x1 = in, u2 = u1, u1 = u, v2 = v1, v1 = v;
      sum += v * v;
    }
    return sum;
  }
};

// The filter as designed: k_weighting.hpp's analogue sections, read out of the published 48 kHz
// coefficients and rebuilt at fs, in long double. Both double forms round its coefficients (a1
// and a2 near z = 1 by ~1e-16, which moves the high-pass's corner by ~1e-10 at 384 kHz): the
// measure of precision is the distance from this, not from one another's coefficients.
struct Designed {
  long double b0, b1, b2, a1, a2;
  Designed(const BiquadCoefficients& d, long double fs) {
    using L = long double;
    const L pi = 3.141592653589793238462643383279502884L;
    const L atDc = 1 + (L)d.a1 + d.a2, atNyq = 1 - (L)d.a1 + d.a2, k = std::sqrt(atDc / atNyq);
    const L q = k / (2 * (1 - (L)d.a2) / atNyq), f0 = 48000.0L / pi * std::atan(k);
    const L hf = ((L)d.b0 - d.b1 + d.b2) / atNyq, dc = ((L)d.b0 + d.b1 + d.b2) / atDc;
    const L mid = 2 * ((L)d.b0 - d.b2) / (k * atNyq);
    const L kk = std::tan(pi * f0 / fs), k2 = kk * kk, a0 = 1 + kk / q + k2;
    b0 = (hf + mid * kk + dc * k2) / a0, b1 = 2 * (dc * k2 - hf) / a0, b2 = (hf - mid * kk + dc * k2) / a0;
    a1 = 2 * (k2 - 1) / a0, a2 = (1 - kk / q + k2) / a0;
  }
};

// Interleaved stereo: L a tone (or noise), R noise (or a tone) at another level.
std::vector<float> signal(double fs, double seconds, double toneHz, unsigned seed) {
  const auto frames = static_cast<std::size_t>(fs * seconds);
  std::vector<float> x(2 * frames);
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0f, 0.2f);
  for (std::size_t i = 0; i < frames; ++i) {
    const float tone = static_cast<float>(0.5 * std::sin(2 * kPi * toneHz * static_cast<double>(i) / fs));
    const float noise = g(rng);
    x[2 * i] = toneHz > 0 ? tone : noise;
    x[2 * i + 1] = toneHz > 0 ? 0.1f * noise : 0.3f * tone + noise;
  }
  return x;
}

bool avxAvailable() {
  KWeighting k;
  k.setVectorWidth(4);
  return k.vectorWidth() == 4;
}

}  // namespace

TEST_CASE("k-weighting look-ahead: the sums match the direct form's, and are as close to the designed filter") {
  // Each 8192-frame run's sum (as LoudnessMeter adds them), per channel, against the direct form
  // in double; the totals of both against the designed filter run in long double.
  double worstVsDirect = 0.0, worstLa = 0.0, worstDirect = 0.0;
  for (double fs : {44100.0, 48000.0, 96000.0, 192000.0, 384000.0}) {
    for (double tone : {0.0, 20.0, 100.0, 1000.0, 10000.0, 20000.0}) {
      const auto x = signal(fs, 10.0, tone, 7);
      const auto frames = static_cast<std::uint32_t>(x.size() / 2);
      KWeighting l, r;
      l.configure(fs), r.configure(fs);
      const auto shelf = KWeighting::shelf(fs), highPass = KWeighting::highPass(fs);
      Direct<double, BiquadCoefficients> dl(shelf, highPass), dr(shelf, highPass);
      const Designed ds(KWeighting::kShelf48k, fs), dh(KWeighting::kHighPass48k, fs);
      Direct<long double, Designed> rl(ds, dh), rr(ds, dh);
      double totLa = 0, totDirect = 0;
      long double totRef = 0;
      for (std::uint32_t done = 0; done < frames; done += 8192) {
        const std::uint32_t n = std::min<std::uint32_t>(8192, frames - done);
        const float* p = x.data() + 2 * static_cast<std::size_t>(done);
        double sl = 0, sr = 0;
        KWeighting::sumOfSquaresStereo(l, r, p, n, sl, sr);
        const double el = dl.sumOfSquares(p, n, 2), er = dr.sumOfSquares(p + 1, n, 2);
        totRef += rl.sumOfSquares(p, n, 2) + rr.sumOfSquares(p + 1, n, 2);
        worstVsDirect = std::max({worstVsDirect, std::fabs(sl - el) / el, std::fabs(sr - er) / er});
        totLa += sl + sr, totDirect += el + er;
      }
      const double errLa = static_cast<double>(std::fabs(totLa - totRef) / totRef);
      const double errDirect = static_cast<double>(std::fabs(totDirect - totRef) / totRef);
      worstLa = std::max(worstLa, errLa), worstDirect = std::max(worstDirect, errDirect);
      CHECK(errLa < 2 * errDirect + 1e-13);
    }
  }
  std::printf("k-weighting look-ahead: largest relative difference from the direct form per 8192-frame run %.2e; "
              "from the designed filter: look-ahead %.2e, direct form %.2e\n",
              worstVsDirect, worstLa, worstDirect);
  CHECK(worstVsDirect < 1e-10);
  CHECK(worstLa < 1.5 * worstDirect);
}

TEST_CASE("k-weighting look-ahead: blocks cut differently give every frame's output bit for bit") {
  const double fs = 48000.0;
  const auto x = signal(fs, 1.0, 0.0, 3);
  const auto frames = static_cast<std::uint32_t>(x.size() / 2);
  std::mt19937 rng(11);
  std::uniform_int_distribution<std::uint32_t> len(1, 700);
  const std::vector<std::vector<std::uint32_t>> cuts = {
      {1}, {2}, {3}, {7}, {8192}, {frames}, {1, 2, 5, 8192, 127, 128, 129}, {}};
  // Per frame (1-frame calls: the sum is the output squared) as the reference.
  std::vector<double> refL(frames), refR(frames);
  {
    KWeighting l, r;
    l.configure(fs), r.configure(fs);
    for (std::uint32_t i = 0; i < frames; ++i) KWeighting::sumOfSquaresStereo(l, r, x.data() + 2 * i, 1, refL[i], refR[i]);
  }
  for (std::uint32_t width : {2u, 4u}) {
    for (const auto& pattern : cuts) {
      KWeighting l, r;
      l.configure(fs), r.configure(fs);
      l.setVectorWidth(width);
      double totL = 0, totR = 0, expL = 0, expR = 0;
      std::uint32_t done = 0, k = 0;
      // Leave 5 frames for single-frame probes: after any cut, the history must be the same bits.
      while (done < frames - 5) {
        std::uint32_t n = pattern.empty() ? len(rng) : pattern[k++ % pattern.size()];
        n = std::min(n, frames - 5 - done);
        double sl = 0, sr = 0;
        KWeighting::sumOfSquaresStereo(l, r, x.data() + 2 * static_cast<std::size_t>(done), n, sl, sr);
        totL += sl, totR += sr;
        done += n;
      }
      for (std::uint32_t i = 0; i < frames - 5; ++i) expL += refL[i], expR += refR[i];
      CHECK(std::fabs(totL - expL) <= 1e-13 * expL);  // the sums' order only
      CHECK(std::fabs(totR - expR) <= 1e-13 * expR);
      for (std::uint32_t i = frames - 5; i < frames; ++i) {
        double sl = 0, sr = 0;
        KWeighting::sumOfSquaresStereo(l, r, x.data() + 2 * i, 1, sl, sr);
        CHECK(std::memcmp(&sl, &refL[i], sizeof sl) == 0);
        CHECK(std::memcmp(&sr, &refR[i], sizeof sr) == 0);
      }
    }
  }
}

TEST_CASE("k-weighting look-ahead: mono (strided), SSE2 and AVX stereo give the same bits") {
  const bool avx = avxAvailable();
  if (!avx) std::printf("k-weighting look-ahead: no AVX on this CPU, the SSE2 path alone is checked\n");
  for (double fs : {44100.0, 96000.0}) {
    const auto x = signal(fs, 0.5, 997.0, 5);
    const auto frames = static_cast<std::uint32_t>(x.size() / 2);
    KWeighting monoL, monoR, sseL, sseR, avxL, avxR;
    for (KWeighting* k : {&monoL, &monoR, &sseL, &sseR, &avxL, &avxR}) k->configure(fs);
    sseL.setVectorWidth(2), avxL.setVectorWidth(4);
    std::uint32_t done = 0, n = 1, mismatches = 0;
    while (done < frames) {
      n = std::min(frames - done, n % 301 + 1);  // every length from 1 to 301
      const float* p = x.data() + 2 * static_cast<std::size_t>(done);
      const double ml = monoL.sumOfSquares(p, n, 2), mr = monoR.sumOfSquares(p + 1, n, 2);
      double sl = 0, sr = 0, al = 0, ar = 0;
      KWeighting::sumOfSquaresStereo(sseL, sseR, p, n, sl, sr);
      KWeighting::sumOfSquaresStereo(avxL, avxR, p, n, al, ar);
      mismatches += std::memcmp(&ml, &sl, sizeof ml) != 0 || std::memcmp(&mr, &sr, sizeof mr) != 0;
      mismatches += avx && (std::memcmp(&al, &sl, sizeof al) != 0 || std::memcmp(&ar, &sr, sizeof ar) != 0);
      done += n;
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("k-weighting look-ahead: the history decays to exact zeros in silence (no denormals)") {
  for (std::uint32_t width : {2u, 4u}) {
    KWeighting l, r;
    l.configure(48000), r.configure(48000);
    l.setVectorWidth(width);
    const auto x = signal(48000, 0.1, 0.0, 9);
    double sl = 0, sr = 0;
    KWeighting::sumOfSquaresStereo(l, r, x.data(), static_cast<std::uint32_t>(x.size() / 2), sl, sr);
    CHECK(sl > 0);
    const std::vector<float> silence(2 * 4801, 0.0f);  // odd: both the pairs and the last frame
    for (int i = 0; i < 200; ++i) KWeighting::sumOfSquaresStereo(l, r, silence.data(), 4801, sl, sr);
    CHECK(sl == 0.0);
    CHECK(sr == 0.0);
    // What remains is exact zero, not a denormal: a fresh filter gives the same next sums.
    KWeighting fl, fr;
    fl.configure(48000), fr.configure(48000);
    double a = 0, b = 0, c = 0, d = 0;
    KWeighting::sumOfSquaresStereo(l, r, x.data(), 1001, a, b);
    KWeighting::sumOfSquaresStereo(fl, fr, x.data(), 1001, c, d);
    CHECK(a == c);
    CHECK(b == d);
  }
}
