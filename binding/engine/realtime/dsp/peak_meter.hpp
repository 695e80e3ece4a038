// PeakProgrammeMeter: a digital peak meter per channel with the ballistics of IEC 60268-18 (the
// digital audio peak level meter): the reading rises at once to every sample's magnitude (no
// integration time: it is a sample-peak meter) and falls back at a constant rate in dB, 20 dB in
// 1.7 s (the standard's return time: 1.7 s ± 0.3 s for 20 dB, "approximately constant" speed,
// i.e. 11.8 dB/s). A peak hold keeps the highest reading for holdSeconds (default 2 s; the
// standard asks 1.0 s ± 0.5 s of a maximum shown on a numerical indicator, and the issue a
// longer one for the bar), then falls back to the current reading and follows it until a reading
// tops it again, which holds anew.
//
// The fall is a constant factor per sample (linear in dB), kept in double: at 384 kHz it is
// 1 - 3.5e-6 per sample, which float would round to a decay 2 % off. Cost: a multiply, a compare
// and the hold's bookkeeping per sample. Real-time code: no allocation.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace ringmix::engine {

class PeakProgrammeMeter {
 public:
  static constexpr std::uint32_t kMaxChannels = 8;
  static constexpr double kReturnDb = 20.0;      // IEC 60268-18 return time: this many dB...
  static constexpr double kReturnSeconds = 1.7;  // ...in this long
  static constexpr double kDefaultHoldSeconds = 2.0;

  PeakProgrammeMeter() noexcept { configure(48000.0, 2); }

  void configure(double sampleRate, std::uint32_t channels, double holdSeconds = kDefaultHoldSeconds) noexcept {
    const double fs = std::clamp(sampleRate, 8000.0, 384000.0);
    channels_ = std::clamp<std::uint32_t>(channels, 1, kMaxChannels);
    fall_ = std::pow(10.0, -kReturnDb / 20.0 / (kReturnSeconds * fs));
    holdFrames_ = static_cast<std::uint64_t>(std::llround(std::clamp(holdSeconds, 0.0, 60.0) * fs));
    reset();
  }

  void reset() noexcept {
    for (auto& c : chans_) c = Chan{};
  }

  void add(const float* interleaved, std::uint32_t frames) noexcept {
    for (std::uint32_t c = 0; c < channels_; ++c) {
      Chan s = chans_[c];
      const float* x = interleaved + c;
      for (std::uint32_t i = 0; i < frames; ++i) {
        const double a = std::fabs(static_cast<double>(x[static_cast<std::size_t>(i) * channels_]));
        s.reading = std::max(a, s.reading * fall_);
        if (s.reading >= s.hold) {
          s.hold = s.reading;
          s.age = 0;
        } else if (s.age < holdFrames_) {
          ++s.age;
        } else {
          s.hold = s.reading;  // hold expired: follow the reading
        }
      }
      // A reading far below anything shown is silence; stopping it there keeps the products
      // out of denormal numbers (slow) after long silence.
      if (s.reading < 1e-10) s.reading = 0.0;
      if (s.hold < 1e-10) s.hold = 0.0;
      chans_[c] = s;
    }
  }

  // dBFS; -Infinity for digital silence.
  float peakDb(std::uint32_t channel) const noexcept { return toDb(channel < channels_ ? chans_[channel].reading : 0.0); }
  float holdDb(std::uint32_t channel) const noexcept { return toDb(channel < channels_ ? chans_[channel].hold : 0.0); }

  std::uint32_t channels() const noexcept { return channels_; }
  double fallPerSample() const noexcept { return fall_; }

 private:
  static float toDb(double a) noexcept {
    return a > 0.0 ? static_cast<float>(20.0 * std::log10(a)) : -std::numeric_limits<float>::infinity();
  }

  struct Chan {
    double reading = 0.0;
    double hold = 0.0;
    std::uint64_t age = 0;  // frames since the hold was set
  };
  std::array<Chan, kMaxChannels> chans_{};
  std::uint32_t channels_ = 2;
  double fall_ = 1.0;
  std::uint64_t holdFrames_ = 0;
};

}  // namespace ringmix::engine
