// ChannelStrip: gain, mute, solo and pan of one input, applied while summing into the mix.
// Real-time code: arithmetic on preallocated state.
//
// Signal path per frame: x · gain (ramped; 0 when muted or soloed out), left in the input's buffer
// for its meters (post-fader, pre-pan) → pan gains (ramped, see pan_law.hpp) → added to the mix bus. The strip's DSP blocks
// (input_dsp.hpp) run before it, on the same buffer.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/realtime/dsp/cpu_avx.hpp"
#include "engine/realtime/dsp/simd.hpp"
#include "engine/realtime/mix/channel_strip_avx.hpp"
#include "engine/realtime/mix/pan_law.hpp"
#include "engine/realtime/mix/ramp.hpp"

namespace ringmix::engine {

struct StripParams {
  double gainDb = 0.0;
  double pan = 0.0;
  bool muted = false;
  bool solo = false;
};

inline float dbToGain(double db) noexcept {
  return std::isinf(db) && db < 0 ? 0.0f : static_cast<float>(std::pow(10.0, db / 20.0));
}

class ChannelStrip {
 public:
  void configure(std::uint32_t inChannels, std::uint32_t outChannels, std::uint32_t rampFrames,
                 const StripParams& initial, bool anySolo) noexcept {
    in_ = inChannels;
    out_ = outChannels;
    rampFrames_ = rampFrames;
    params_ = initial;
    // A new input starts at its settings, without a fade-in from zero.
    gain_.reset(effectiveGain(anySolo));
    const PanGains p = panGains(in_, out_, static_cast<float>(params_.pan));
    for (unsigned i = 0; i < 2; ++i)
      for (unsigned o = 0; o < 2; ++o) pan_[i][o].reset(p.g[i][o]);
  }

  StripParams& params() noexcept { return params_; }
  const StripParams& params() const noexcept { return params_; }

  // The block-constant loops eight floats per AVX vector (8, where the CPU has AVX: the default)
  // or four per SSE/NEON vector (4): the same bits (channel_strip_avx.hpp). For tests and benchmarks.
  void setVectorWidth(std::uint32_t w) noexcept { avx_ = w == 8 && simd::kCpuHasAvx; }
  std::uint32_t vectorWidth() const noexcept { return avx_ ? 8 : 4; }

  // After any parameter (or the mixer's solo state) changes: ramp toward the new targets.
  void retarget(bool anySolo) noexcept {
    gain_.setTarget(effectiveGain(anySolo), rampFrames_);
    const PanGains p = panGains(in_, out_, static_cast<float>(params_.pan));
    for (unsigned i = 0; i < 2; ++i)
      for (unsigned o = 0; o < 2; ++o) pan_[i][o].setTarget(p.g[i][o], rampFrames_);
  }

  // Adds `frames` interleaved frames of `io` (in_ channels) into `bus` (out_ channels), leaving the
  // post-fader signal in `io`, which the input's meters then read.
  void process(float* io, float* bus, std::uint32_t frames) noexcept {
    if (settled() && in_ <= 2 && out_ == 2) {
      processConstant(io, bus, frames);
      return;
    }
    for (std::uint32_t f = 0; f < frames; ++f) {
      const float g = gain_.next();
      float pg[2][2];
      for (unsigned i = 0; i < 2; ++i)
        for (unsigned o = 0; o < 2; ++o) pg[i][o] = pan_[i][o].next();
      for (std::uint32_t i = 0; i < in_; ++i) {
        const float x = io[f * in_ + i] * g;
        io[f * in_ + i] = x;
        for (std::uint32_t o = 0; o < out_; ++o) bus[f * out_ + o] += x * pg[i][o];
      }
    }
  }

  // A stereo input whose two channels are the same signal (a generator's), given once: `frames`
  // mono samples in `io`. Mixes what process() would mix from that signal on both channels,
  // bit for bit, and leaves the post-fader signal (both channels') in `io`. Only when
  // monoReady(): nothing moving, and balance, whose gains take each channel to its own side
  // only (the other product is x · 0, which adds nothing).
  bool monoReady() const noexcept {
    return in_ == 2 && out_ == 2 && settled() && pan_[0][1].current() == 0.0f && pan_[1][0].current() == 0.0f;
  }
  // monoReady(): the fader's gain and the two sides' pan gains processMono() applies (the mix
  // cycle's fused loop, mono_fuse.hpp, applies them itself).
  struct MonoGains {
    float g, left, right;
  };
  MonoGains monoGains() const noexcept { return {gain_.current(), pan_[0][0].current(), pan_[1][1].current()}; }

  void processMono(float* __restrict io, float* __restrict bus, std::uint32_t frames) noexcept {
    using simd::F4;
    const auto [g, left, right] = monoGains();
    const F4 gv = F4::fill(g), lr = F4::set(left, right, left, right);
    const std::size_t n = frames;
    std::size_t f = channel_strip_avx::kAvailable && avx_ ? channel_strip_avx::mono(io, bus, n, g, left, right) : 0;
    for (; f + 4 <= n; f += 4) {
      const F4 x = F4::load(io + f) * gv;
      x.store(io + f);
      (F4::load(bus + 2 * f) + simd::dupLow(x) * lr).store(bus + 2 * f);
      (F4::load(bus + 2 * f + 4) + simd::dupHigh(x) * lr).store(bus + 2 * f + 4);
    }
    for (; f < n; ++f) {
      const float x = io[f] * g;
      io[f] = x;
      bus[2 * f] += x * left;
      bus[2 * f + 1] += x * right;
    }
  }

 private:
  bool settled() const noexcept {
    return gain_.settled() && pan_[0][0].settled() && pan_[0][1].settled() && pan_[1][0].settled() &&
           pan_[1][1].settled();
  }

  // No parameter moving (nearly every cycle): the gains are constants for the block, so the loop
  // has no dependency between frames and vectorises. The audio is the per-frame path's, operation for operation. (__restrict: the
  // input's buffer and the bus never overlap, which is what lets the compiler vectorise.)
  void processConstant(float* __restrict io, float* __restrict bus, std::uint32_t frames) noexcept {
    const float g = gain_.current();
    const float p00 = pan_[0][0].current(), p01 = pan_[0][1].current();
    const float p10 = pan_[1][0].current(), p11 = pan_[1][1].current();
    // std::size_t indices: with 32-bit ones, 2 * f might wrap, and the compiler could not prove
    // the accesses linear (no vectorisation).
    const std::size_t n = frames;
    if (in_ == 2) {
      // Two frames per vector: (l, r, l', r') · g, then each frame's l and r spread over its two
      // bus lanes and weighted by the pan gains (GCC's own vectorisation of this loop shuffled
      // twice as much).
      using simd::F4;
      const F4 gv = F4::fill(g), left = F4::set(p00, p01, p00, p01), right = F4::set(p10, p11, p10, p11);
      std::size_t f = channel_strip_avx::kAvailable && avx_ ? channel_strip_avx::stereo(io, bus, n, g, p00, p01, p10, p11) : 0;
      for (; f + 2 <= n; f += 2) {
        const F4 x = F4::load(io + 2 * f) * gv;
        x.store(io + 2 * f);
        ((F4::load(bus + 2 * f) + simd::dupEven(x) * left) + simd::dupOdd(x) * right).store(bus + 2 * f);
      }
      for (; f < n; ++f) {
        const float x0 = io[2 * f] * g, x1 = io[2 * f + 1] * g;
        io[2 * f] = x0, io[2 * f + 1] = x1;
        bus[2 * f] = (bus[2 * f] + x0 * p00) + x1 * p10;
        bus[2 * f + 1] = (bus[2 * f + 1] + x0 * p01) + x1 * p11;
      }
    } else {
      for (std::size_t f = 0; f < n; ++f) {
        const float x0 = io[f] * g;
        io[f] = x0;
        bus[2 * f] += x0 * p00;
        bus[2 * f + 1] += x0 * p01;
      }
    }
  }

  float effectiveGain(bool anySolo) const noexcept {
    if (params_.muted || (anySolo && !params_.solo)) return 0.0f;
    return dbToGain(params_.gainDb);
  }

  std::uint32_t in_ = 1;
  std::uint32_t out_ = 2;
  std::uint32_t rampFrames_ = 0;
  StripParams params_{};
  LinearRamp gain_;
  LinearRamp pan_[2][2];
  bool avx_ = simd::kCpuHasAvx;  // see setVectorWidth()
};

}  // namespace ringmix::engine
