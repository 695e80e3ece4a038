// InputDsp: the processing blocks of one input's strip, ahead of its fader and pan:
//   high-pass → gate → EQ → compressor (its detector on this input, or on another input: ducking).
// The high-pass comes first so rumble neither opens the gate nor drives the compressor; the gate
// before the EQ so a boosted band does not hold it open; the compressor last, on the tone as the
// EQ shaped it. Each block is bypassed at no cost while disabled (see dsp/). Real-time code.
#pragma once

#include <algorithm>
#include <cstdint>

#include "engine/realtime/dsp/compressor.hpp"
#include "engine/realtime/dsp/equalizer.hpp"
#include "engine/realtime/dsp/gate.hpp"
#include "engine/realtime/dsp/high_pass.hpp"
#include "engine/realtime/mix/dsp_controls.hpp"

namespace ringmix::engine {

class InputDsp {
 public:
  void configure(double sampleRate, std::uint32_t channels, std::uint32_t smoothFrames) noexcept {
    highPass_.configure(sampleRate, channels, smoothFrames);
    gate_.configure(sampleRate, channels, smoothFrames);
    eq_.configure(sampleRate, channels, smoothFrames);
    compressor_.configure(sampleRate, channels, smoothFrames);
  }

  void set(const InputDspParams& p) noexcept {
    highPass_.set(p.highPass);
    gate_.set(p.gate);
    eq_.set(p.eq);
    compressor_.set(p.compressor);
    sidechainId_ = p.compressor.enabled ? p.sidechainId : 0;
  }

  // Everything before the compressor, in place.
  void processFront(float* io, std::uint32_t frames) noexcept {
    highPass_.process(io, frames);
    gate_.process(io, frames);
    eq_.process(io, frames);
  }
  // The compressor; `sidechain` (null: its own signal) is another input's output of processFront.
  void processCompressor(float* io, const float* sidechain, std::uint32_t sidechainChannels,
                         std::uint32_t frames) noexcept {
    compressor_.process(io, sidechain, sidechainChannels, frames);
  }

  // processFront() while bypassed(), without its calls: the filters keep their last input frames
  // (a warm start's history) and the gate its bypass state; the signal is left alone.
  void bypassFront(float* io, std::uint32_t frames) noexcept {
    highPass_.keepLast(io, frames);
    gate_.process(io, frames);
    eq_.keepLast(io, frames);
  }

  // Every block disabled and faded out: the processing leaves the signal as it is.
  bool bypassed() const noexcept {
    return highPass_.bypassed() && gate_.bypassed() && eq_.bypassed() && compressor_.bypassed();
  }

  std::uint32_t sidechainId() const noexcept { return sidechainId_; }
  // What the dynamics take off now: the compressor's and the gate's, summed (both act in series).
  float gainReductionDb() const noexcept { return compressor_.gainReductionDb() + gate_.gainReductionDb(); }

 private:
  dsp::HighPass highPass_;
  dsp::Gate gate_;
  dsp::Equalizer eq_;
  dsp::Compressor compressor_;
  std::uint32_t sidechainId_ = 0;
};

}  // namespace ringmix::engine
