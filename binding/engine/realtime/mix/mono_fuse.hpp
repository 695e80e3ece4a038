// A mono-carried input's strip and peak meter in one pass (mono_carriage.hpp; MixCycle::run()):
// what ChannelStrip::processMono() then PeakProgrammeMeter::addMono() do, with the same bus, the
// same readings and holds and the same BlockLevels, bit for bit (tested side by side), but the
// post-fader samples go from the mixing straight into the meter's lanes instead of through the
// buffer and a second loop. The buffer keeps the pre-fader signal: nothing reads it after this
// (sidechains turn mono carriage off; keepMonoTail() runs before).
//
// Where the meter's peak last sits (its hold's age) comes from the loop too: each lane keeps its
// last group at its running maximum, so no backward scan over the block (lastFrameAt()) is
// needed; that scan ran on most blocks of a steady tone, which tops its own hold.
//
// Sixteen frames per AVX-512 vector where the CPU has AVX-512F (simd::kCpuHasAvx512) and the strip
// and the meter use AVX, eight per AVX vector where they use AVX (mono_fuse_avx.hpp), else two
// four-lane vectors (SSE2/NEON) with the same operations per lane: the same bits any way.
// Real-time code: arithmetic only.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "engine/realtime/dsp/peak_meter.hpp"
#include "engine/realtime/dsp/simd.hpp"
#include "engine/realtime/mix/channel_strip.hpp"
#include "engine/realtime/mix/mono_fuse_avx.hpp"

namespace ringmix::engine {

// A block's levels (PeakProgrammeMeter::BlockLevels) of a signal carried once: every channel's.
struct MonoLevels {
  float peak = 0.0f;
  double sumSq = 0.0;
};

namespace mono_fuse {

using Lanes = PeakProgrammeMeter::Lanes;
constexpr std::uint32_t kLanes = PeakProgrammeMeter::kLanes;

// mono_fuse_avx::run() in two four-lane vectors: the SSE loops of processMono() and addMono().
inline std::size_t runF4(const float* __restrict io, float* __restrict bus, std::size_t n, ChannelStrip::MonoGains s,
                         const float* w0, float step, Lanes& l, float* w, float* at) noexcept {
  using simd::F4;
  const F4 gv = F4::fill(s.g), lr = F4::set(s.left, s.right, s.left, s.right), sv = F4::fill(step), one = F4::fill(1.0f);
  F4 w0v = F4::load(w0), w1v = F4::load(w0 + 4), k = one;
  F4 m0 = F4::zero(), m1 = F4::zero(), t0 = F4::zero(), t1 = F4::zero(), q0 = F4::zero(), q1 = F4::zero();
  F4 p0 = F4::zero(), p1 = F4::zero();
  std::size_t f = 0;
  for (; f + kLanes <= n; f += kLanes) {
    const F4 x0 = F4::load(io + f) * gv, x1 = F4::load(io + f + 4) * gv;
    (F4::load(bus + 2 * f) + simd::dupLow(x0) * lr).store(bus + 2 * f);
    (F4::load(bus + 2 * f + 4) + simd::dupHigh(x0) * lr).store(bus + 2 * f + 4);
    (F4::load(bus + 2 * f + 8) + simd::dupLow(x1) * lr).store(bus + 2 * f + 8);
    (F4::load(bus + 2 * f + 12) + simd::dupHigh(x1) * lr).store(bus + 2 * f + 12);
    const F4 a0 = simd::abs(x0), a1 = simd::abs(x1);
    m0 = simd::maxInto(a0 * w0v, m0), m1 = simd::maxInto(a1 * w1v, m1);  // a NaN never enters
    p0 = simd::maxInto(simd::ifAtLeast(a0, t0, k), p0), p1 = simd::maxInto(simd::ifAtLeast(a1, t1, k), p1);
    t0 = simd::maxInto(a0, t0), t1 = simd::maxInto(a1, t1);
    q0 = q0 + a0 * a0, q1 = q1 + a1 * a1;
    w0v = w0v * sv, w1v = w1v * sv;
    k = k + one;
  }
  m0.store(l.m), m1.store(l.m + 4), t0.store(l.top), t1.store(l.top + 4), q0.store(l.sq), q1.store(l.sq + 4);
  w0v.store(w), w1v.store(w + 4), p0.store(at), p1.store(at + 4);
  return f;
}

// The block's last frame whose magnitude is `peak` (one of the lanes' maxima, or 0): of the lanes
// at it, the latest group, and in it the highest lane. 0 if none, as lastFrameAt().
inline std::uint32_t lastFrameOf(const Lanes& l, const float* at, float peak) noexcept {
  std::uint32_t last = 0;
  for (std::uint32_t j = 0; j < kLanes; ++j)
    if (l.top[j] == peak && at[j] > 0.0f)
      last = std::max(last, (static_cast<std::uint32_t>(at[j]) - 1) * kLanes + j);
  return last;
}

// One run (frames <= PeakProgrammeMeter::kMaxRun).
inline void block(ChannelStrip::MonoGains s, PeakProgrammeMeter& ppm, std::uint32_t width, const float* __restrict io,
                  float* __restrict bus, std::uint32_t frames, MonoLevels& levels) noexcept {
  Lanes l;
  float w[kLanes], at[kLanes];
  const std::size_t n = frames;
  const float* const w0 = ppm.monoWeights();
  std::size_t f;
  if (mono_fuse_avx::kAvailable && width == 16)
    f = mono_fuse_avx::run512(io, bus, n, s.g, s.left, s.right, w0, ppm.monoStep(), l.m, l.top, l.sq, w, at);
  else if (mono_fuse_avx::kAvailable && width == 8)
    f = mono_fuse_avx::run(io, bus, n, s.g, s.left, s.right, w0, ppm.monoStep(), l.m, l.top, l.sq, w, at);
  else
    f = runF4(io, bus, n, s, w0, ppm.monoStep(), l, w, at);
  const float group = static_cast<float>(f / kLanes + 1);
  for (std::uint32_t j = 0; f + j < n; ++j) {  // the tail: fewer than kLanes
    const float x = io[f + j] * s.g;
    bus[2 * (f + j)] += x * s.left;
    bus[2 * (f + j) + 1] += x * s.right;
    const float a = std::fabs(x), d = a * w[j];
    l.m[j] = d > l.m[j] ? d : l.m[j];
    if (a >= l.top[j]) at[j] = group;
    l.top[j] = a > l.top[j] ? a : l.top[j];
    l.sq[j] += a * a;
  }
  const PeakProgrammeMeter::Combined k = PeakProgrammeMeter::combineMono(l);
  levels.peak = std::max(levels.peak, k.peak);  // as addMono() adds to each channel's BlockLevels
  levels.sumSq += k.sumSq;
  ppm.finishMono(k, frames, nullptr, [&](float peak) { return lastFrameOf(l, at, peak); });
}

}  // namespace mono_fuse

// The frames per vector the fused pass takes: 16 (AVX-512) where the CPU has it and the strip and
// the meter both use AVX, 8 (AVX) where they do, else 4; at most maxWidth (tests compare them).
inline std::uint32_t fuseWidth(const ChannelStrip& strip, const PeakProgrammeMeter& ppm,
                               std::uint32_t maxWidth = 16) noexcept {
  if (strip.vectorWidth() != 8 || ppm.vectorWidth() != 8 || maxWidth < 8) return 4;
  return maxWidth >= 16 && simd::kCpuHasAvx512 ? 16 : 8;
}

// strip.processMono(io, bus, frames) then ppm.addMono(io, frames, levels) in one pass, except
// that io is left as it was (pre-fader) and the levels, the same on every channel, are given once.
// Only when strip.monoReady(). Vectors as fuseWidth(strip, ppm, maxWidth).
inline void mixAndMeterMono(const ChannelStrip& strip, PeakProgrammeMeter& ppm, const float* io, float* bus,
                            std::uint32_t frames, MonoLevels& levels, std::uint32_t maxWidth = 16) noexcept {
  const std::uint32_t width = fuseWidth(strip, ppm, maxWidth);
  constexpr std::uint32_t kRun = PeakProgrammeMeter::kMaxRun;  // as addMono() splits it
  for (; frames > kRun; frames -= kRun, io += kRun, bus += 2 * static_cast<std::size_t>(kRun))
    mono_fuse::block(strip.monoGains(), ppm, width, io, bus, kRun, levels);
  if (frames > 0) mono_fuse::block(strip.monoGains(), ppm, width, io, bus, frames, levels);
}

}  // namespace ringmix::engine
