// The fast paths of the signal sources: the sine generator's phasor oscillator against sin() per
// sample, and the resampler's pass-through (two clocks that agree) against its own dot products.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/realtime/dsp/resampler.hpp"
#include "engine/realtime/sources/generator.hpp"
#include "engine/realtime/sources/sine_oscillator.hpp"

using namespace ringmix::engine;

TEST_CASE("sine generator: matches sin() per sample within 2 LSB of float, for an hour's phase, any block size") {
  // 6000 Hz and 6000.5 Hz sit on (and near) a multiple of fs/16, where the oscillator turns its
  // phasor instead of the recurrence; 6100 Hz is just past that band.
  for (std::uint32_t channels : {2u, 1u, 3u})
    for (double freq : {1.0, 440.0, 997.0, 6000.0, 6000.5, 6100.0, 12345.6, 23999.0}) {
      GeneratorParams p;
      p.kind = GeneratorKind::Sine;
      p.frequency = freq;
      p.levelDb = 0.0;
      Generator g;
      g.configure(p, 48000, channels, 1);
      const double inc = freq / 48000.0;
      double phase = 0.0, worst = 0.0;
      std::vector<float> out(channels * 4096);
      std::uint64_t done = 0;
      // Odd block sizes (tails shorter than the eight lanes), then an hour's worth of phase.
      for (std::uint32_t n : {1u, 7u, 8u, 9u, 128u, 333u, 4096u, 16u, 3u}) {
        g.render(out.data(), n);
        for (std::uint32_t i = 0; i < n; ++i) {
          const double ref = std::sin(6.283185307179586 * phase);
          worst = std::max(worst, std::fabs(out[channels * i] - ref));
          for (std::uint32_t c = 1; c < channels; ++c) CHECK(out[channels * i + c] == out[channels * i]);
          phase += inc;
          phase -= std::floor(phase);
        }
        done += n;
      }
      for (int k = 0; k < 48000 * 3600 / 4096; ++k) g.render(out.data(), 4096);
      phase = std::fmod(inc * static_cast<double>(done + static_cast<std::uint64_t>(48000 * 3600 / 4096) * 4096), 1.0);
      g.render(out.data(), 256);
      for (std::uint32_t i = 0; i < 256; ++i) {
        worst = std::max(worst, std::fabs(out[channels * i] - std::sin(6.283185307179586 * phase)));
        phase += inc;
      }
      INFO(channels << " channels, frequency " << freq << " Hz: worst error " << worst);
      // The phase after an hour differs from the reference's (summed per sample) by ~1e-10 of a
      // cycle at most: far below float's 6e-8 LSB at full scale.
      CHECK(worst < 2 * 6e-8);
    }
}

TEST_CASE("sine oscillator: a new amplitude applies from the next sample, the samples of a group left waiting included") {
  for (double cps : {440.0 / 48000.0, 6000.0 / 48000.0}) {  // the recurrence, and the phasor
    SineOscillator osc;
    osc.configure(cps);
    std::vector<float> out(64);
    osc.render<1>(out.data(), 5, 1.0f);  // three samples of the first group wait
    osc.render<1>(out.data() + 5, 59, 0.5f);
    double worst = 0.0;
    for (std::uint32_t i = 0; i < 64; ++i) {
      const double ref = (i < 5 ? 1.0 : 0.5) * std::sin(6.283185307179586 * cps * i);
      worst = std::max(worst, std::fabs(out[i] - ref));
    }
    INFO("cycles per sample " << cps << ": worst error " << worst);
    CHECK(worst < 2 * 6e-8);
  }
}

TEST_CASE("resampler at ratio 1: the pass-through equals the dot products it replaces, bit for bit") {
  const std::uint32_t ch = 2, n = 4800;
  std::vector<float> in(n * ch);
  std::uint64_t rng = 12345;
  for (auto& v : in) {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    v = static_cast<float>(static_cast<double>(rng >> 11) / 9007199254740992.0 * 2.0 - 1.0) * 0.9f;
  }
  Resampler fast(ch, 48000, 48000, 0.005);
  std::vector<float> a(n * ch);
  std::uint32_t used = 0, made = 0;
  // Chunks of varied size, as ring spans come.
  for (std::uint32_t step : {1u, 31u, 32u, 33u, 64u, 65u, 500u, 7u, 1024u, 3000u}) {
    const std::uint32_t take = std::min(step, n - used);
    const auto r = fast.process(in.data() + used * ch, take, a.data() + made * ch, n - made);
    used += r.consumed;
    made += r.produced;
  }
  // The reference: the dot product at phase 0 is sum_k table[k] * x, in tap order.
  const Resampler::Table t = Resampler::design(48000, 48000, 0.005);
  std::uint32_t matched = 0;
  for (std::uint32_t j = 0; j < made; ++j)
    for (std::uint32_t c = 0; c < ch; ++c) {
      float acc = 0.0f;
      for (std::uint32_t k = 0; k < Resampler::kTaps; ++k) {
        // Output j is rendered once input frame j + kTaps/2 - 1 is in (the start-up half window):
        // that frame is tap kTaps - 1, so tap k is input j + k - kTaps/2.
        const std::int64_t src = static_cast<std::int64_t>(j) + k - Resampler::kTaps / 2;
        const float x = src >= 0 && src < static_cast<std::int64_t>(used) ? in[src * ch + c] : 0.0f;
        acc += t[k] * x;
      }
      if (a[j * ch + c] == acc) ++matched;
    }
  INFO("outputs " << made << ", consumed " << used);
  CHECK(made + Resampler::kTaps / 2 - 1 == used);  // half a window of start-up latency
  CHECK(matched == made * ch);
}
