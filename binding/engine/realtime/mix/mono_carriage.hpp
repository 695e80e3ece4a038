// Mono carriage: a direct generator's channels are one signal (virtual_source.hpp, "direct"), so
// while nothing in its strip could make them differ (its blocks bypassed and faded out, its fader
// and pan still) the cycle renders, mixes and meters it once (MixCycle::run(): `buffer` then holds
// mono samples). Mixed, it is the same bits as the two-channel path (ChannelStrip::processMono());
// metered, the same to float rounding (PeakProgrammeMeter::addMono()).
//
// Steady: once a mono cycle has run its bypassed blocks' bookkeeping (which changes nothing on
// later cycles), the cycle skips it and the checks until something about the input changes; its
// filters' history (their last two input frames, for a warm start) is then handed over from the
// two samples kept here (unsteady()), so they are as if they had seen every block. Real-time code.
#pragma once

#include <cstdint>

#include "engine/realtime/mix/input_rt.hpp"

namespace ringmix::engine {

// Bypassed front blocks given the last two frames of a mono block (the one channel on both):
// what processFront() would keep of the whole block.
inline void frontOfMono(InputDsp& dsp, const float* mono, std::uint32_t frames) noexcept {
  const std::uint32_t n = frames < 2 ? frames : 2;
  float last[4];
  for (std::uint32_t i = 0; i < n; ++i) last[2 * i] = last[2 * i + 1] = mono[frames - n + i];
  dsp.bypassFront(last, n);
}

// Whether a direct input may be carried as one channel this cycle (sidechains aside).
inline bool monoEligible(const InputRt& in) noexcept { return in.dsp.bypassed() && in.strip.monoReady(); }

// After a mono block: its last two samples, the history its bypassed filters would keep.
inline void keepMonoTail(InputRt& in, std::uint32_t frames) noexcept {
  if (frames >= 2) in.monoTail[0] = in.buffer[frames - 2], in.monoTail[1] = in.buffer[frames - 1];
  else if (frames == 1) in.monoTail[0] = in.monoTail[1], in.monoTail[1] = in.buffer[0];
}

// Before anything about a steady input changes: its filters get the history they would have
// kept, and it is checked afresh from its next cycle.
inline void unsteady(InputRt& in) noexcept {
  if (!in.steady) return;
  in.steady = false;
  frontOfMono(in.dsp, in.monoTail, 2);
}

}  // namespace ringmix::engine
