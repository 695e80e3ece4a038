// The compressor's sub-block passes (compressor.hpp) against a plain per-frame reference written
// here from the header's description: detector max |x| → a naive segment peak hold → the curve →
// the one-pole recursion g += k(c - g) in double → wet/makeup ramps → fastExp2f. Over noise, a
// level rising every sample, bursts and silences (release tails to 0), NaNs, sidechains, mono,
// parameter changes (ramps, enable/disable), odd block sizes and three rates: every sample's
// gain within 1e-5 dB of the reference's (only the smoothing's rounding differs: the closed form
// vs the recursion; the float gains flip a last bit now and then, ~1e-6 dB), nearly all samples
// bit-identical, gainReductionDb() alike. Then PeakHold::process against push() frame by frame,
// and fastExp2f on F4 against the scalar one, to the bit.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/realtime/dsp/compressor.hpp"

using namespace ringmix::engine::dsp;
namespace simd = ringmix::engine::simd;

namespace {

// The compressor as one per-frame loop: what compressor.hpp computed before its sub-block passes.
class Reference {
 public:
  Reference(double fs, std::uint32_t channels, std::uint32_t smoothFrames) : fs_(fs), channels_(channels), smooth_(smoothFrames) {
    seg_ = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(std::lround(fs / 3000.0)));
  }

  void set(const CompressorParams& p) {
    params_ = p;
    threshold_ = std::clamp(p.thresholdDb, -120.0, 24.0);
    slope_ = 1.0 - 1.0 / std::clamp(p.ratio, 1.0, 1000.0);
    knee_ = std::clamp(p.kneeDb, 0.0, 48.0);
    const double releaseMs = std::clamp(p.releaseMs, 0.0, 10000.0);
    const auto k = static_cast<std::uint32_t>(std::max<long>(1, std::lround(std::min(5.0, releaseMs / 2.0) * 0.001 * fs_ / seg_)));
    if (k != k_) {  // a new hold length forgets the held level
      k_ = k;
      ring_.assign(k, 0.0f);
      cur_ = past_ = 0.0f;
      count_ = pos_ = 0;
    }
    attack_ = coefficient(std::clamp(p.attackMs, 0.0, 10000.0));
    release_ = coefficient(std::max(releaseMs - (k_ * double(seg_) + (seg_ - 1) / 2.0) * 1000.0 / fs_, 0.0));
    makeup_.setTarget(std::clamp(p.makeupDb, -60.0, 60.0), smooth_);
    wet_.setTarget(p.enabled ? 1.0 : 0.0, smooth_);
  }

  void start(const CompressorParams& p) {
    set(p);
    wet_.reset(p.enabled ? 1.0 : 0.0);
    makeup_.reset(std::clamp(p.makeupDb, -60.0, 60.0));
  }

  void process(float* io, const float* det, std::uint32_t dc, std::uint32_t frames) {
    if (!params_.enabled && wet_.settled()) {
      if (wet_.current() == 0.0 && g_ != 0.0) {  // re-enabling starts from rest
        ring_.assign(k_, 0.0f);
        cur_ = past_ = 0.0f;
        count_ = pos_ = 0;
        g_ = 0.0;
      }
      gr_ = 0.0f;
      return;
    }
    double gr = 0.0;
    for (std::uint32_t f = 0; f < frames; ++f) {
      float a = std::fabs(det[f * dc]);
      if (dc == 2) a = std::max(a, std::fabs(det[f * dc + 1]));
      cur_ = std::max(cur_, a);
      const double c = target(std::max(cur_, past_));
      if (++count_ == seg_) {
        ring_[pos_] = cur_;
        pos_ = (pos_ + 1) % k_;
        past_ = *std::max_element(ring_.begin(), ring_.end());
        cur_ = 0.0f;
        count_ = 0;
      }
      g_ += (c > g_ ? attack_ : release_) * (c - g_);
      if (c == 0.0 && g_ < 1e-9) g_ = 0.0;
      const double wet = wet_.next(), makeup = makeup_.next();
      const float db = static_cast<float>(wet * (makeup - g_));
      const float gain = fastmath::fastExp2f(db * static_cast<float>(1.0 / fastmath::kDbPerLog2));
      for (std::uint32_t ch = 0; ch < channels_; ++ch) io[f * channels_ + ch] *= gain;
      gr = std::max(gr, wet * g_);
    }
    gr_ = static_cast<float>(gr);
  }

  float gainReductionDb() const { return gr_; }

 private:
  double coefficient(double ms) const {
    const double frames = ms * 0.001 * fs_;
    return frames > 0.0 ? 1.0 - std::exp(-1.0 / frames) : 1.0;
  }

  double target(float level) const {
    const double x = fastmath::fastDb(level);
    if (level <= static_cast<float>(std::pow(10.0, (threshold_ - knee_ / 2.0) / 20.0)) || x <= threshold_ - knee_ / 2.0) return 0.0;
    if (x >= threshold_ + knee_ / 2.0) return slope_ * (x - threshold_);
    const double d = x - (threshold_ - knee_ / 2.0);
    return slope_ * d * d / (2.0 * knee_);
  }

  double fs_;
  std::uint32_t channels_, smooth_, seg_ = 16, k_ = 0, count_ = 0, pos_ = 0;
  CompressorParams params_{};
  double threshold_ = 0, slope_ = 0, knee_ = 0, attack_ = 1, release_ = 1, g_ = 0.0;
  std::vector<float> ring_;
  float cur_ = 0.0f, past_ = 0.0f, gr_ = 0.0f;
  ParamRamp makeup_, wet_;
};

std::vector<float> noise(std::size_t n, float amp, std::uint32_t seed) {
  std::vector<float> x(n);
  for (auto& v : x) {
    seed = seed * 1664525u + 1013904223u;
    v = (static_cast<float>(seed >> 8) / 16777216.0f - 0.5f) * amp;
  }
  return x;
}

// Noise whose level moves: full, silent (releases end at 0), a slow swell, quiet; two NaNs.
std::vector<float> program(std::size_t frames, std::uint32_t ch, std::uint32_t seed) {
  std::vector<float> x = noise(frames * ch, 1.6f, seed);
  for (std::size_t f = 0; f < frames; ++f) {
    const std::size_t part = (f / 9000) % 5;
    const float swell = static_cast<float>(0.5 + 0.5 * std::sin(f * 3e-4));
    const float m = part == 0 ? 1.0f : part == 1 ? 0.0f : part == 2 ? swell : part == 3 ? 0.02f : 0.3f;
    for (std::uint32_t c = 0; c < ch; ++c) x[f * ch + c] *= m;
  }
  x[4000 * ch] = NAN;
  x[4100 * ch + ch - 1] = NAN;
  return x;
}

// |x| rising every frame (a new peak each sample: runs of one frame), stereo.
std::vector<float> rising(std::size_t frames) {
  std::vector<float> x(2 * frames);
  for (std::size_t f = 0; f < frames; ++f)
    x[2 * f] = x[2 * f + 1] = static_cast<float>((f % 2 ? -1.0 : 1.0) * std::pow(10.0, (-50.0 + 50.0 * f / frames) / 20.0));
  return x;
}

struct Outcome {
  double worstDb = 0.0, worstGrDb = 0.0;
  std::size_t differing = 0, samples = 0;
};

// Both compressors over `in` (channels ch; sidechain `side` of sc channels, or none), the
// parameters moving to the next of `params` every 40 blocks, block sizes cycling through `blocks`.
void compare(Outcome& o, double fs, std::uint32_t ch, const std::vector<float>& in, const std::vector<float>* side, std::uint32_t sc,
             const std::vector<CompressorParams>& params, const std::vector<std::uint32_t>& blocks) {
  Compressor c;
  c.configure(fs, ch, 480);
  c.set(params[0]);
  c.reset();
  Reference r(fs, ch, 480);
  r.start(params[0]);
  std::vector<float> a = in, b = in;
  const std::size_t frames = in.size() / ch;
  std::size_t call = 0, next = 1;
  for (std::size_t f = 0; f < frames; ++call) {
    const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(blocks[call % blocks.size()], frames - f));
    if (call % 40 == 39 && next < params.size()) {
      c.set(params[next]);
      r.set(params[next++]);
    }
    const float* det = side != nullptr ? side->data() + f * sc : nullptr;
    c.process(a.data() + f * ch, det, sc, n);
    r.process(b.data() + f * ch, det != nullptr ? det : b.data() + f * ch, det != nullptr ? sc : ch, n);
    o.worstGrDb = std::max(o.worstGrDb, static_cast<double>(std::fabs(c.gainReductionDb() - r.gainReductionDb())));
    f += n;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    ++o.samples;
    if (std::memcmp(&a[i], &b[i], sizeof(float)) == 0 || (std::isnan(a[i]) && std::isnan(b[i]))) continue;
    ++o.differing;
    const bool measurable = in[i] != 0.0f && std::isfinite(in[i]);
    o.worstDb = std::max(o.worstDb, measurable ? std::fabs(20.0 * std::log10(static_cast<double>(a[i]) / b[i])) : 1e9);
  }
}

}  // namespace

TEST_CASE("compressor: every sample's gain within 1e-5 dB of a per-frame reference, nearly all bit-identical") {
  const std::vector<CompressorParams> one{{true, -20, 4, 5, 80, 6, 3}};
  const std::vector<CompressorParams> moving{{true, -20, 4, 5, 80, 6, 3},    {true, -30, 8, 1, 300, 0, -2},
                                             {false, -30, 8, 1, 300, 0, -2}, {true, -10, 2, 20, 30, 12, 6},
                                             {true, -40, 20, 0, 0, 0, 0},    {true, -20, 4, 10, 5000, 6, 0},
                                             {true, -25, 3, 50, 1, 24, 1}};
  Outcome o;
  for (const double fs : {44100.0, 48000.0, 96000.0}) {
    const std::size_t frames = 60000;
    compare(o, fs, 2, noise(2 * frames, 0.87f, 1), nullptr, 0, one, {128});
    compare(o, fs, 2, rising(frames), nullptr, 0, one, {128, 256});
    compare(o, fs, 2, program(frames, 2, 7), nullptr, 0, moving, {37, 1, 256, 64, 65, 3});
    compare(o, fs, 1, program(frames, 1, 9), nullptr, 0, moving, {128, 7});
    const std::vector<float> io = noise(2 * frames, 0.5f, 3), side2 = program(frames, 2, 11), side1 = program(frames, 1, 13);
    compare(o, fs, 2, io, &side2, 2, moving, {128, 100});
    compare(o, fs, 2, io, &side1, 1, moving, {256});
  }
  MESSAGE("compressor vs per-frame reference: " << o.differing << " of " << o.samples << " samples differ, worst by " << o.worstDb
                                                << " dB; gainReductionDb() worst " << o.worstGrDb << " dB");
  CHECK(o.worstDb <= 1e-5);
  CHECK(o.worstGrDb <= 1e-5);
  CHECK(o.differing * 1000 <= o.samples);  // rounding flips, not a different curve
}

TEST_CASE("PeakHold::process reports exactly the changes of push() frame by frame") {
  const std::vector<float> levels = [] {
    std::vector<float> x = noise(20000, 2.0f, 5);
    for (std::size_t i = 0; i < x.size(); ++i) {
      x[i] = std::fabs(x[i]) * static_cast<float>(i % 3000 < 1500 ? 1.0 : 0.05);  // drops the hold must follow
      if (i % 997 == 0) x[i] = NAN;  // skipped, as push() skips it
      if (i >= 8000 && i < 9000) x[i] = static_cast<float>(i - 8000) * 1e-3f;  // a new peak every frame
    }
    return x;
  }();
  for (const std::uint32_t seg : {1u, 3u, 15u, 16u, 32u})
    for (const std::uint32_t k : {1u, 5u, 15u, 32u}) {
      PeakHold a, b;
      a.configure(seg, k);
      b.configure(seg, k);
      float lastA = 0.0f, lastB = 0.0f;
      std::vector<std::pair<std::size_t, float>> changesA, changesB;
      for (std::size_t i = 0; i < levels.size(); ++i) {
        const float held = a.push(levels[i]);
        if (held != lastA) changesA.emplace_back(i, lastA = held);
      }
      const std::uint32_t blocks[] = {1, 7, 64, 13, 100, 2};
      for (std::size_t i = 0, call = 0; i < levels.size(); ++call) {
        const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(blocks[call % 6], levels.size() - i));
        std::uint32_t at[100];
        float held[100];
        const std::uint32_t changes = b.process(levels.data() + i, n, lastB, at, held);
        for (std::uint32_t c = 0; c < changes; ++c) changesB.emplace_back(i + at[c], held[c]);
        i += n;
      }
      CAPTURE(seg);
      CAPTURE(k);
      CHECK(changesA == changesB);
    }
}

TEST_CASE("fastExp2f on four lanes gives the scalar fastExp2f's bits") {
  std::vector<float> y;
  for (double v = -140.0; v <= 140.0; v += 0.00917) y.push_back(static_cast<float>(v));
  for (const float v : {0.0f, -0.0f, 0.5f, -0.5f, 125.5f, -125.5f, 126.0f, -126.0f, INFINITY, -INFINITY, NAN, 1e30f, -1e30f})
    y.push_back(v);
  while (y.size() % 4 != 0) y.push_back(1.0f);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < y.size(); i += 4) {
    float lanes[4];
    fastmath::fastExp2f(simd::F4::load(y.data() + i)).store(lanes);
    for (std::size_t j = 0; j < 4; ++j) {
      const float s = fastmath::fastExp2f(y[i + j]);
      differing += std::memcmp(&s, &lanes[j], sizeof(float)) != 0;
    }
  }
  CHECK(differing == 0);
}
