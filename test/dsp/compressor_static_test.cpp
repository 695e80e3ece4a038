// The compressor's static curve measured from steady tones: square waves (|x| constant: the
// level definition itself), sines at 997 Hz and 200 Hz (the detector's 5 ms hold reads their
// peak), stepped from -60 to 0 dBFS; the output's level against the Giannoulis et al. soft-knee
// curve computed here from its formula: within 0.5 dB. Then makeup, stereo linking, sidechain
// ducking, and gainReductionDb() against the gain measured on the audio.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis.hpp"
#include "engine/realtime/dsp/compressor.hpp"

using namespace ringmix::engine::dsp;
using dsptest::db;

namespace {

constexpr double kFs = 48000.0;

// The static curve, from the paper's formula (output level for input level x, dB).
double curve(const CompressorParams& p, double x) {
  const double t = p.thresholdDb, r = p.ratio, w = p.kneeDb;
  if (2.0 * (x - t) <= -w) return x;  // (a hard knee at x = t: no reduction yet)
  if (2.0 * (x - t) > w) return t + (x - t) / r;
  return x + (1.0 / r - 1.0) * (x - t + w / 2.0) * (x - t + w / 2.0) / (2.0 * w);
}

enum class Wave { Square, Sine997, Sine200 };

// Output level minus input level (dB) of a steady tone at `levelDb` after 0.3 s.
double measuredGainDb(const CompressorParams& p, Wave wave, double levelDb, float* grReport = nullptr) {
  Compressor c;
  c.configure(kFs, 2, 480);
  c.set(p);
  c.reset();
  const std::size_t frames = 14400;
  const double hz = wave == Wave::Square ? 1000.0 : wave == Wave::Sine997 ? 997.0 : 200.0;
  const std::vector<float> in = dsptest::tone(kFs, hz, dsptest::fromDb(levelDb), frames, 2, wave == Wave::Square, 0.3);
  std::vector<float> out = in;
  dsptest::inBlocks(out, 2, 256, [&](float* io, std::uint32_t n) { c.process(io, n); });
  if (grReport != nullptr) *grReport = c.gainReductionDb();
  const std::size_t from = frames - 4800;
  if (wave == Wave::Square) return db(dsptest::rms(out, 2, 0, from, 4800) / dsptest::rms(in, 2, 0, from, 4800));
  return db(dsptest::goertzelAmplitude(out, 2, 0, from, 4800, hz, kFs) / dsptest::goertzelAmplitude(in, 2, 0, from, 4800, hz, kFs));
}

}  // namespace

TEST_CASE("static curve: output level within 0.5 dB of threshold/ratio/knee, -60..0 dBFS") {
  const CompressorParams settings[] = {
      {true, -20, 2, 1, 50, 0, 0},  {true, -20, 4, 1, 50, 0, 0},   {true, -20, 4, 1, 50, 6, 0},
      {true, -30, 20, 1, 50, 12, 0}, {true, -10, 4, 1, 50, 12, 0}, {true, -40, 20, 1, 50, 6, 0},
  };
  double worst = 0.0;
  for (const CompressorParams& p : settings) {
    for (Wave wave : {Wave::Square, Wave::Sine997, Wave::Sine200}) {
      for (double level = -60.0; level <= 0.0; level += 2.0) {
        CAPTURE(p.thresholdDb);
        CAPTURE(p.ratio);
        CAPTURE(p.kneeDb);
        CAPTURE(static_cast<int>(wave));
        CAPTURE(level);
        const double err = level + measuredGainDb(p, wave, level) - curve(p, level);
        worst = std::max(worst, std::fabs(err));
        CHECK(std::fabs(err) < 0.5);
      }
    }
  }
  MESSAGE("static curve: worst error " << worst << " dB");
}

TEST_CASE("makeup gain adds to the curve, below and above threshold") {
  for (double makeup : {-6.0, 6.0, 12.0}) {
    const CompressorParams p{true, -20, 4, 1, 50, 6, makeup};
    for (double level : {-40.0, -10.0}) {
      CAPTURE(makeup);
      CAPTURE(level);
      CHECK(level + measuredGainDb(p, Wave::Square, level) == doctest::Approx(curve(p, level) + makeup).epsilon(0.01));
    }
  }
}

TEST_CASE("gainReductionDb() reports the gain reduction measured on the audio") {
  const CompressorParams p{true, -20, 4, 1, 50, 6, 3};
  for (double level : {-40.0, -20.0, -6.0, 0.0}) {
    float reported = -1.0f;
    const double measured = p.makeupDb - measuredGainDb(p, Wave::Square, level, &reported);
    CAPTURE(level);
    CHECK(reported >= 0.0f);
    CHECK(reported == doctest::Approx(std::max(measured, 0.0)).epsilon(0.001).scale(1.0));
  }
}

TEST_CASE("stereo-linked: a loud left channel compresses the quiet right one by the same amount") {
  Compressor c;
  c.configure(kFs, 2, 480);
  c.set({true, -20, 4, 1, 50, 0, 0});
  const std::size_t frames = 14400;
  std::vector<float> in = dsptest::tone(kFs, 1000, 1.0, frames, 2, true);
  for (std::size_t f = 0; f < frames; ++f) {
    in[2 * f] *= static_cast<float>(dsptest::fromDb(-6));
    in[2 * f + 1] *= static_cast<float>(dsptest::fromDb(-40));
  }
  std::vector<float> out = in;
  dsptest::inBlocks(out, 2, 256, [&](float* io, std::uint32_t n) { c.process(io, n); });
  const double left = db(dsptest::rms(out, 2, 0, frames - 4800, 4800) / dsptest::rms(in, 2, 0, frames - 4800, 4800));
  const double right = db(dsptest::rms(out, 2, 1, frames - 4800, 4800) / dsptest::rms(in, 2, 1, frames - 4800, 4800));
  CHECK(left == doctest::Approx(-10.5).epsilon(0.005));  // (-6 - -20) · (1 - 1/4)
  CHECK(right == doctest::Approx(left).epsilon(1e-4));
}

TEST_CASE("sidechain: a tone below threshold ducks under a burst on another input by the curve's amount") {
  // Music: a 1 kHz sine at -30 dBFS (threshold -20, knee 6: no gain reduction of its own). Voice:
  // silence, then a -6 dBFS square burst for 0.6 s, then silence. Expected ducking during the
  // burst: the curve at -6 dBFS, 10.5 dB. Mono and stereo sidechains.
  for (std::uint32_t scChannels : {1u, 2u}) {
    Compressor c;
    c.configure(kFs, 2, 480);
    c.set({true, -20, 4, 10, 200, 6, 0});
    const std::size_t frames = 96000, burstOn = 14400, burstOff = 43200;
    const std::vector<float> music = dsptest::tone(kFs, 1000, dsptest::fromDb(-30), frames);
    std::vector<float> voice = dsptest::steppedSquare(kFs, 180, {0, burstOn, burstOff}, {0.0, dsptest::fromDb(-6), 0.0}, frames,
                                                      scChannels);
    std::vector<float> out = music;
    for (std::size_t f = 0; f < frames; f += 256) {
      const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(256, frames - f));
      c.process(out.data() + 2 * f, voice.data() + scChannels * f, scChannels, n);
    }
    const auto level = [&](std::size_t from) {
      return db(dsptest::goertzelAmplitude(out, 2, 1, from, 4800, 1000, kFs) / dsptest::goertzelAmplitude(music, 2, 1, from, 4800, 1000, kFs));
    };
    CAPTURE(scChannels);
    CHECK(std::fabs(level(4800)) < 0.01);                               // before: untouched
    CHECK(level(burstOff - 9600) == doctest::Approx(-10.5).epsilon(0.03));  // ducked: within 0.3 dB
    CHECK(std::fabs(level(frames - 4800)) < 0.05);                     // 1 s after: recovered
  }
}
