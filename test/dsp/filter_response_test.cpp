// Measured responses: an impulse through the HighPass / Equalizer blocks (float audio in blocks
// of 4096 frames, as the mix runs them), its FFT (2^18 points: 5.5 s, long enough for a Q = 8
// peak at 20 Hz to ring down below -300 dB) compared bin by bin with the design's magnitudeDb()
// from 20 Hz to 20 kHz (or just under Nyquist): within 0.1 dB everywhere.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "analysis.hpp"
#include "engine/realtime/dsp/biquad.hpp"
#include "engine/realtime/dsp/equalizer.hpp"
#include "engine/realtime/dsp/high_pass.hpp"

using namespace ringmix::engine::dsp;

namespace {

constexpr std::size_t kFftSize = 1 << 18;
double gWorst = 0.0;  // over every case, for the report

// Max |measured - expected| (dB) over the bins from 20 Hz to min(20 kHz, 0.499 fs).
template <typename Expected>
double worstError(const std::vector<double>& measured, double fs, Expected&& expectedDb) {
  double worst = 0.0;
  for (std::size_t k = 1; k < measured.size(); ++k) {
    const double f = static_cast<double>(k) * fs / kFftSize;
    if (f < 20.0 || f > std::fmin(20000.0, 0.499 * fs)) continue;
    worst = std::fmax(worst, std::fabs(measured[k] - expectedDb(f)));
  }
  gWorst = std::fmax(gWorst, worst);
  return worst;
}

template <typename Block, typename Params>
std::vector<double> measure(double fs, const Params& p) {
  Block block;
  block.configure(fs, 2, 480);
  block.set(p);
  block.reset();  // settled: the response of the new design alone
  return dsptest::measuredResponseDb(kFftSize, [&](float* io, std::uint32_t n) { block.process(io, n); });
}

}  // namespace

TEST_CASE("high-pass: measured response within 0.1 dB of the design, 20 Hz to 20 kHz") {
  for (double fs : {44100.0, 48000.0}) {
    for (double f0 : {20.0, 80.0, 200.0}) {
      for (int slope : {12, 24}) {
        CAPTURE(fs);
        CAPTURE(f0);
        CAPTURE(slope);
        const auto m = measure<HighPass>(fs, HighPassParams{true, f0, slope});
        const double q1 = slope == 12 ? 1.0 / std::sqrt(2.0) : 0.54119610014619698;
        const double err = worstError(m, fs, [&](double f) {
          double e = magnitudeDb(biquad::highPass(fs, f0, q1), f, fs);
          if (slope == 24) e += magnitudeDb(biquad::highPass(fs, f0, 1.3065629648763766), f, fs);
          return e;
        });
        CHECK(err < 0.1);
      }
    }
  }
}

TEST_CASE("equalizer bands: measured response within 0.1 dB of the design, 20 Hz to 20 kHz") {
  struct Case {
    int band;  // 0 low shelf, 1 peak, 2 high shelf
    double f0, gain, q;
  };
  const Case cases[] = {
      {0, 20, 18, 0.7071},  {0, 20, -18, 0.7071}, {0, 100, 6, 0.7071},  {0, 100, -6, 0.7071}, {0, 1000, 18, 2.0},
      {2, 20000, 18, 0.7071}, {2, 20000, -18, 0.7071}, {2, 10000, 6, 0.7071}, {2, 10000, -6, 0.7071}, {2, 300, -18, 0.5},
      {1, 25, 18, 8},  {1, 25, -18, 8}, {1, 25, 18, 0.3}, {1, 1000, 18, 1}, {1, 1000, -18, 1}, {1, 1000, 18, 0.3},
      {1, 1000, -18, 8}, {1, 18000, 18, 8}, {1, 18000, -18, 0.3}, {1, 18000, 18, 1},
  };
  for (double fs : {44100.0, 48000.0}) {
    for (const Case& c : cases) {
      CAPTURE(fs);
      CAPTURE(c.band);
      CAPTURE(c.f0);
      CAPTURE(c.gain);
      CAPTURE(c.q);
      EqParams p;
      p.enabled = true;
      EqBand* bands[3] = {&p.low, &p.mid, &p.high};
      *bands[c.band] = {c.f0, c.gain, c.q};
      const auto m = measure<Equalizer>(fs, p);
      const BiquadCoefs design = c.band == 0   ? biquad::lowShelf(fs, c.f0, c.gain, c.q)
                                 : c.band == 1 ? biquad::peaking(fs, c.f0, c.gain, c.q)
                                               : biquad::highShelf(fs, c.f0, c.gain, c.q);
      CHECK(worstError(m, fs, [&](double f) { return magnitudeDb(design, f, fs); }) < 0.1);
    }
  }
}

TEST_CASE("equalizer with all three bands and a 24 dB/octave high-pass in front: within 0.1 dB") {
  const double fs = 48000.0;
  EqParams p{true, {40, 12, 0.7071}, {2500, -18, 4}, {16000, 9, 0.7071}};
  const HighPassParams hp{true, 30, 24};
  HighPass h;
  Equalizer e;
  h.configure(fs, 2, 480);
  e.configure(fs, 2, 480);
  h.set(hp);
  e.set(p);
  h.reset();
  e.reset();
  const auto m = dsptest::measuredResponseDb(kFftSize, [&](float* io, std::uint32_t n) {
    h.process(io, n);
    e.process(io, n);
  });
  const double err = worstError(m, fs, [&](double f) {
    return magnitudeDb(biquad::highPass(fs, 30, 0.54119610014619698), f, fs) +
           magnitudeDb(biquad::highPass(fs, 30, 1.3065629648763766), f, fs) +
           magnitudeDb(biquad::lowShelf(fs, 40, 12, 0.7071), f, fs) + magnitudeDb(biquad::peaking(fs, 2500, -18, 4), f, fs) +
           magnitudeDb(biquad::highShelf(fs, 16000, 9, 0.7071), f, fs);
  });
  CHECK(err < 0.1);
  MESSAGE("worst response error over every measured filter: " << gWorst << " dB");
}
