// MasterDsp: the master's chain after its fader, EQ → compressor → true-peak limiter (last, so
// nothing after it can push a peak over its ceiling), and the meters that read what leaves it:
// peak programme meter with hold, and EBU R128 loudness with true peak. Real-time code.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/realtime/dsp/compressor.hpp"
#include "engine/realtime/dsp/equalizer.hpp"
#include "engine/realtime/dsp/limiter.hpp"
#include "engine/realtime/dsp/loudness_meter.hpp"
#include "engine/realtime/dsp/peak_meter.hpp"
#include "engine/realtime/mix/dsp_controls.hpp"

namespace ringmix::engine {

class MasterDsp {
 public:
  // withLimiter false: the chain has no limiter stage at all (no latency; set() ignores its settings).
  void configure(double sampleRate, std::uint32_t channels, std::uint32_t smoothFrames, bool withLimiter) noexcept {
    hasLimiter_ = withLimiter;
    eq_.configure(sampleRate, channels, smoothFrames);
    compressor_.configure(sampleRate, channels, smoothFrames);
    limiter_.configure(sampleRate, channels);
    loudness_.configure(sampleRate, channels);
    peaks_.configure(sampleRate, channels);
  }

  void set(const MasterDspParams& p) noexcept {
    eq_.set(p.eq);
    compressor_.set(p.compressor);
    limiter_.set(p.limiter);
  }

  void process(float* io, std::uint32_t frames) noexcept {
    eq_.process(io, frames);
    compressor_.process(io, nullptr, 0, frames);
    if (hasLimiter_) {
      limiter_.process(io, frames);
      // Where the limiter passed its input through unchanged, the meter's 4x values are ones the
      // limiter computed already: the meter takes their peak instead of computing them again.
      loudness_.add(io, frames, limiter_.outputPeak());
    } else {
      loudness_.add(io, frames);
    }
    peaks_.add(io, frames);
  }

  void resetLoudness() noexcept { loudness_.reset(); }

  const LoudnessMeter& loudness() const noexcept { return loudness_; }
  const PeakProgrammeMeter& peaks() const noexcept { return peaks_; }
  float compressorGainReductionDb() const noexcept { return compressor_.gainReductionDb(); }
  float limiterGainReductionDb() const noexcept { return hasLimiter_ ? limiter_.gainReductionDb() : 0.0f; }
  std::uint32_t latencyFrames() const noexcept { return hasLimiter_ ? limiter_.latencyFrames() : 0; }

 private:
  dsp::Equalizer eq_;
  dsp::Compressor compressor_;
  TruePeakLimiter limiter_;
  LoudnessMeter loudness_;
  PeakProgrammeMeter peaks_;
  bool hasLimiter_ = true;
};

}  // namespace ringmix::engine
