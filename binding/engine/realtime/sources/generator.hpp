// Generator: the signal of a virtual device (sine, noise, silence, impulses). It renders into a
// caller's buffer from its own state only. Real-time code.
//
// Levels: `levelDb` is the peak level in dBFS of every channel (the same signal on each):
// sine amplitude, the bound of uniform white noise, the height of each one-sample impulse.
//
// The sine is a rotating phasor (see SineOscillator) rather than a sin() per sample: a libm sin()
// cost more than the rest of a channel strip.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/realtime/sources/sine_oscillator.hpp"

namespace ringmix::engine {

enum class GeneratorKind : std::uint8_t { Sine, Noise, Silence, Impulses };

struct GeneratorParams {
  GeneratorKind kind = GeneratorKind::Sine;
  double frequency = 440.0;
  double levelDb = -18.0;
  double intervalMs = 1000.0;
};

class Generator {
 public:
  void configure(const GeneratorParams& p, std::uint32_t sampleRate, std::uint32_t channels,
                 std::uint64_t seed) noexcept {
    params_ = p;
    channels_ = channels;
    amplitude_ = static_cast<float>(std::pow(10.0, p.levelDb / 20.0));
    sine_.configure(p.frequency / sampleRate);
    rng_ = seed ? seed : 0x9E3779B97F4A7C15ull;
    intervalFrames_ = static_cast<std::uint64_t>(std::llround(p.intervalMs * sampleRate / 1000.0));
    if (intervalFrames_ == 0) intervalFrames_ = 1;
    untilImpulse_ = 0;  // the first impulse is the first frame
  }

  // Before the first render: where the sine's groups of sixteen start (SineOscillator::setLead()).
  void setSineLead(std::uint32_t lead) noexcept { sine_.setLead(lead); }

  // Writes `frames` interleaved frames of `channels` channels.
  void render(float* out, std::uint32_t frames) noexcept { render(out, frames, channels_); }
  // Writes `frames` samples: one channel of what render() writes (every channel is the same).
  void renderMono(float* out, std::uint32_t frames) noexcept { render(out, frames, 1); }

  std::uint32_t channels() const noexcept { return channels_; }

 private:
  void render(float* out, std::uint32_t frames, std::uint32_t channels) noexcept {
    if (params_.kind == GeneratorKind::Sine) {
      // In blocks of kBlock. Mono and stereo straight into out; more channels: a mono run copied
      // to each.
      for (std::uint32_t done = 0; done < frames;) {
        const std::uint32_t n = frames - done < kBlock ? frames - done : kBlock;
        float* o = out + static_cast<std::size_t>(done) * channels;
        if (channels == 2) {
          sine_.render<2>(o, n, amplitude_);
        } else if (channels == 1) {
          sine_.render<1>(o, n, amplitude_);
        } else {
          sine_.render<1>(block_, n, amplitude_);
          for (std::uint32_t i = 0; i < n; ++i)
            for (std::uint32_t c = 0; c < channels; ++c) o[i * channels + c] = block_[i];
        }
        done += n;
      }
      return;
    }
    if (params_.kind == GeneratorKind::Silence) {
      std::fill(out, out + static_cast<std::size_t>(frames) * channels, 0.0f);
      return;
    }
    for (std::uint32_t i = 0; i < frames; ++i) {
      const float v = nextSample();
      for (std::uint32_t c = 0; c < channels; ++c) out[i * channels + c] = v;
    }
  }

  float nextSample() noexcept {
    switch (params_.kind) {
      case GeneratorKind::Sine:  // rendered in blocks (render())
        break;
      case GeneratorKind::Noise: {
        // xorshift64*: fast, allocation-free, deterministic from the seed.
        rng_ ^= rng_ >> 12;
        rng_ ^= rng_ << 25;
        rng_ ^= rng_ >> 27;
        const std::uint64_t r = rng_ * 0x2545F4914F6CDD1Dull;
        const double u = static_cast<double>(r >> 11) * (1.0 / 9007199254740992.0);  // [0, 1)
        return amplitude_ * static_cast<float>(2.0 * u - 1.0);
      }
      case GeneratorKind::Impulses: {
        float v = 0.0f;
        if (untilImpulse_ == 0) {
          v = amplitude_;
          untilImpulse_ = intervalFrames_;
        }
        --untilImpulse_;
        return v;
      }
      case GeneratorKind::Silence:
        break;
    }
    return 0.0f;
  }

  GeneratorParams params_{};
  std::uint32_t channels_ = 1;
  static constexpr std::uint32_t kBlock = 256;
  float amplitude_ = 0.0f;
  SineOscillator sine_;
  float block_[kBlock] = {};
  std::uint64_t rng_ = 1;
  std::uint64_t intervalFrames_ = 1;
  std::uint64_t untilImpulse_ = 0;
};

}  // namespace ringmix::engine
