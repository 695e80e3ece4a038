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
// 1 - 3.5e-6 per sample, which float would round to a decay 2 % off. Cost: a multiply and two
// compares per sample, in eight lanes (see add(); one AVX vector where the CPU has it,
// peak_meter_avx.hpp, else two SSE/NEON ones: the same bits). Real-time code: no allocation.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/realtime/dsp/cpu_avx.hpp"
#include "engine/realtime/dsp/peak_meter_avx.hpp"
#include "engine/realtime/dsp/peak_meter_scan.hpp"
#include "engine/realtime/dsp/simd.hpp"

namespace ringmix::engine {

class PeakProgrammeMeter {
 public:
  static constexpr std::uint32_t kMaxChannels = 8;
  static constexpr std::uint32_t kLanes = 8;      // add()'s vector lanes: covers kMaxChannels
  static constexpr std::uint32_t kMaxRun = 8192;  // add()'s longest run
  static constexpr double kReturnDb = 20.0;      // IEC 60268-18 return time: this many dB...
  static constexpr double kReturnSeconds = 1.7;  // ...in this long
  static constexpr double kDefaultHoldSeconds = 2.0;

  PeakProgrammeMeter() noexcept { configure(48000.0, 2); }

  void configure(double sampleRate, std::uint32_t channels, double holdSeconds = kDefaultHoldSeconds) noexcept {
    const double fs = std::clamp(sampleRate, 8000.0, 384000.0);
    channels_ = std::clamp<std::uint32_t>(channels, 1, kMaxChannels);
    fall_ = std::pow(10.0, -kReturnDb / 20.0 / (kReturnSeconds * fs));
    rise_ = 1.0 / fall_;
    fallFrames_ = 0;
    for (std::uint32_t j = 0; j < kLanes; ++j) {
      lane0_[j] = static_cast<float>(std::pow(rise_, j / channels_));
      lane0Mono_[j] = static_cast<float>(std::pow(rise_, j));
    }
    laneStep_ = static_cast<float>(std::pow(rise_, kLanes / channels_));
    laneStepMono_ = static_cast<float>(std::pow(rise_, kLanes));
    holdFrames_ = static_cast<std::uint64_t>(std::llround(std::clamp(holdSeconds, 0.0, 60.0) * fs));
    reset();
  }

  void reset() noexcept {
    for (auto& c : chans_) c = Chan{};
  }

  // A block at a time. The reading after it is max(reading · fall^n, max_k |x_k| · fall^(n-1-k)),
  // the sample-by-sample recursion max(|x|, reading · fall) in closed form. The max runs forward
  // over the interleaved samples in eight lanes (lane j: channel j % channels) with weights
  // rise^k = fall^-k (at most 1.12 over a 4096-frame block at 48 kHz), scaled by fall^(n-1) at
  // the end: the loop reads memory in order and vectorises, where the recursion is one dependent
  // chain per sample. The float weights agree with the recursion to 4e-3 dB at worst (8
  // channels: a multiply per frame, 8192 in a run; measured), far less in short blocks. The hold is
  // resolved per block: it takes the block's highest reading at its last position, ages by the
  // block, and expires to the reading at the block's end; a hold that expires within a block
  // and would at once be topped again by a new peak in the same block shows that peak from the
  // next block on (a cycle later).
  //
  // levels, when given, also receives the block's sample peak and sum of squares per channel
  // (peak: the larger of it and what it held; sumSq: added to), for a window meter reading the
  // same signal (mix/meter.hpp) without a pass of its own. They come from the same eight lanes,
  // combined in the same order, as WindowMeter::addFrames(): the same values, bit for bit.
  struct BlockLevels {
    float peak[kMaxChannels] = {};
    double sumSq[kMaxChannels] = {};
  };
  // A block's eight lanes (see add()): each one's weighted maximum, maximum and sum of squares.
  // Not zeroed here: every lane loop writes them all.
  struct Lanes {
    float m[kLanes], top[kLanes], sq[kLanes];
  };
  void add(const float* interleaved, std::uint32_t frames, BlockLevels* levels = nullptr) noexcept {
    addRuns(interleaved, frames, channels_, levels);
  }
  // Every channel carrying the same signal, given once (`frames` mono samples, a generator's):
  // what add() reads for it on each channel, to float rounding (its lanes sum in another order).
  void addMono(const float* x, std::uint32_t frames, BlockLevels* levels = nullptr) noexcept {
    addRuns(x, frames, 1, levels);
  }

  // addMono() in two parts, for a caller that accumulates a block's lanes itself in the same
  // operations from monoWeights() and monoStep(), while making the samples (mix/mono_fuse.hpp:
  // in the strip's mixing loop, one pass instead of two).
  // The lanes of a signal carried once, combined: each one's largest weighted maximum and
  // maximum (no NaN enters them: any order gives the same bits) and the sum of their squares, in
  // lane order, in double.
  struct Combined {
    float m = 0.0f, peak = 0.0f;
    double sumSq = 0.0;
  };
  static Combined combineMono(const Lanes& l) noexcept {
    using simd::F4;
    Combined k;
    k.m = simd::maxLanes(simd::maxInto(F4::load(l.m), F4::load(l.m + 4)));
    k.peak = simd::maxLanes(simd::maxInto(F4::load(l.top), F4::load(l.top + 4)));
    // Pairwise in two-double vectors, not one after another: a chain of eight dependent additions
    // was a visible share of a mono input's bookkeeping. (The two-channel path keeps the window
    // meter's sequential order.) Lanes j and j + 4 first, then j + 2, then the two halves.
    using simd::D2;
    const D2 s = (D2::widen(l.sq) + D2::widen(l.sq + 4)) + (D2::widen(l.sq + 2) + D2::widen(l.sq + 6));
    k.sumSq = s.lane0() + s.lane1();
    return k;
  }
  // addMono()'s finishing, from its lanes combined: levels (when given) for every channel, the
  // readings and holds (a channel in the same state as the first takes its result, as is usual:
  // the same signal). lastAt(peak): the block's last frame of magnitude peak (0 if none), asked
  // at most once, only when the block tops a hold. frames <= kMaxRun.
  template <typename LastAt>
  void finishMono(const Combined& k, std::uint32_t frames, BlockLevels* levels, LastAt lastAt) noexcept {
    setFall(frames);
    if (levels)
      for (std::uint32_t c = 0; c < channels_; ++c) {
        levels->peak[c] = std::max(levels->peak[c], k.peak);
        levels->sumSq[c] += k.sumSq;
      }
    std::int64_t at = -1;
    const auto lastOnce = [&] {
      if (at < 0) at = lastAt(k.peak);
      return static_cast<std::uint32_t>(at);
    };
    const Chan first = chans_[0];
    step(chans_[0], k, frames, lastOnce);
    for (std::uint32_t c = 1; c < channels_; ++c) {
      if (chans_[c] == first) chans_[c] = chans_[0];
      else step(chans_[c], k, frames, lastOnce);
    }
  }
  const float* monoWeights() const noexcept { return lane0Mono_; }
  float monoStep() const noexcept { return laneStepMono_; }

  // dBFS; -Infinity for digital silence.
  float peakDb(std::uint32_t channel) const noexcept { return toDb(channel < channels_ ? chans_[channel].reading : 0.0); }
  float holdDb(std::uint32_t channel) const noexcept { return toDb(channel < channels_ ? chans_[channel].hold : 0.0); }

  std::uint32_t channels() const noexcept { return channels_; }

  // The lane loop eight samples per AVX vector (8, where the CPU has AVX: the default) or in two
  // four-lane vectors (4): the same readings and levels, bit for bit. For tests and benchmarks.
  void setVectorWidth(std::uint32_t w) noexcept { avx_ = w == 8 && simd::kCpuHasAvx; }
  std::uint32_t vectorWidth() const noexcept { return avx_ ? 8 : 4; }
  double fallPerSample() const noexcept { return fall_; }

 private:
  struct Chan {
    double reading = 0.0;
    double hold = 0.0;
    std::uint64_t age = 0;  // frames since the hold was set
    bool operator==(const Chan&) const = default;
  };

  // add() over `ch` interleaved channels: channels_, or 1 for a signal every channel carries.
  void addRuns(const float* interleaved, std::uint32_t frames, std::uint32_t ch, BlockLevels* levels) noexcept {
    // Long blocks in runs, so the rising weights stay small (fall^-8192 is 2.0 at 8 kHz).
    for (; frames > kMaxRun; frames -= kMaxRun, interleaved += static_cast<std::size_t>(kMaxRun) * ch)
      addBlock(interleaved, kMaxRun, ch, levels);
    if (frames > 0) addBlock(interleaved, frames, ch, levels);
  }

  void addBlock(const float* interleaved, std::uint32_t frames, std::uint32_t ch, BlockLevels* levels) noexcept {
    Lanes l;
    laneLoop(interleaved, frames, ch, l);
    finish(l, frames, ch, levels,
           [&](std::uint32_t c, float peak) { return peak_meter_scan::lastFrameAt(interleaved, frames, ch, c, peak); });
  }

  // The lanes part of addBlock(): every sample of the block into l.
  void laneLoop(const float* interleaved, std::uint32_t frames, std::uint32_t ch, Lanes& l) const noexcept {
    float* const m = l.m;
    float* const top = l.top;
    float* const sq = l.sq;
    if (kLanes % ch == 0) {
      // Lane j starts at frame j / ch and steps kLanes / ch frames.
      const bool mono = ch != channels_;
      const float* lane0 = mono ? lane0Mono_ : lane0_;
      const float laneStep = mono ? laneStepMono_ : laneStep_;
      const std::size_t n = static_cast<std::size_t>(frames) * ch;
      std::size_t i = 0;
      float w[kLanes];
      if (peak_meter_avx::kAvailable && avx_) {
        i = peak_meter_avx::lanes(interleaved, n, lane0, laneStep, m, top, sq, w);
      } else {
        using simd::F4;
        F4 w0 = F4::load(lane0), w1 = F4::load(lane0 + 4);
        const F4 step = F4::fill(laneStep);
        F4 m0 = F4::zero(), m1 = F4::zero(), t0 = F4::zero(), t1 = F4::zero(), q0 = F4::zero(), q1 = F4::zero();
        for (; i + kLanes <= n; i += kLanes) {
          const F4 a0 = simd::abs(F4::load(interleaved + i)), a1 = simd::abs(F4::load(interleaved + i + 4));
          m0 = simd::maxInto(a0 * w0, m0), m1 = simd::maxInto(a1 * w1, m1);  // a NaN never enters
          t0 = simd::maxInto(a0, t0), t1 = simd::maxInto(a1, t1);
          q0 = q0 + a0 * a0, q1 = q1 + a1 * a1;
          w0 = w0 * step, w1 = w1 * step;
        }
        m0.store(m), m1.store(m + 4), t0.store(top), t1.store(top + 4), w0.store(w), w1.store(w + 4);
        q0.store(sq), q1.store(sq + 4);
      }
      for (std::uint32_t j = 0; j < kLanes && i + j < n; ++j) {  // the tail: fewer than kLanes
        const float a = std::fabs(interleaved[i + j]), d = a * w[j];
        m[j] = d > m[j] ? d : m[j];
        top[j] = a > top[j] ? a : top[j];
        sq[j] += a * a;
      }
    } else {  // 3, 5, 6 or 7 channels: a lane per channel, frame by frame
      l = Lanes{};
      float w = 1.0f;
      const auto r = static_cast<float>(rise_);
      for (std::uint32_t f = 0; f < frames; ++f, w *= r)
        for (std::uint32_t c = 0; c < ch; ++c) {
          const float a = std::fabs(interleaved[static_cast<std::size_t>(f) * ch + c]), d = a * w;
          m[c] = d > m[c] ? d : m[c];
          top[c] = a > top[c] ? a : top[c];
          sq[c] += a * a;
        }
    }
  }

  // The finishing part: the lanes combined per channel, the levels, the readings and holds.
  // lastAt(c, peak): the block's last frame where channel c has magnitude peak (asked only when
  // the block tops the hold).
  template <typename LastAt>
  void finish(const Lanes& l, std::uint32_t frames, std::uint32_t ch, BlockLevels* levels, LastAt lastAt) noexcept {
    if (ch != channels_) {
      finishMono(combineMono(l), frames, levels, [&](float peak) { return lastAt(0, peak); });
      return;
    }
    setFall(frames);
    const std::uint32_t stride = kLanes % ch == 0 ? ch : kLanes;
    for (std::uint32_t c = 0; c < channels_; ++c) {
      Combined k{};
      if (stride == 1) {
        k = combineMono(l);
      } else {
        for (std::uint32_t j = c; j < kLanes; j += stride)
          k.m = std::max(k.m, l.m[j]), k.peak = std::max(k.peak, l.top[j]), k.sumSq += l.sq[j];
      }
      if (levels) {
        levels->peak[c] = std::max(levels->peak[c], k.peak);
        levels->sumSq[c] += k.sumSq;
      }
      step(chans_[c], k, frames, [&] { return lastAt(c, k.peak); });
    }
  }

  void setFall(std::uint32_t frames) noexcept {
    if (frames == fallFrames_) return;
    fallFrames_ = frames;
    fallN_ = std::pow(fall_, static_cast<double>(frames));
    fallN1_ = std::pow(fall_, static_cast<double>(frames - 1));
  }

  // One channel's reading and hold after a block whose lanes combined to k; lastAt() as above.
  template <typename LastAt>
  void step(Chan& chan, const Combined& k, std::uint32_t frames, LastAt lastAt) const noexcept {
    Chan s = chan;
    const double end = std::max(static_cast<double>(k.m) * fallN1_, s.reading * fallN_);
    const double peak = k.peak;
    if (std::max(peak, s.reading * fall_) >= s.hold) {
      // The block tops the hold: it holds the block's highest sample, from its last position.
      const std::uint32_t at = lastAt();
      s.hold = peak;
      s.age = frames - 1 - at;
      if (s.age > holdFrames_) s.hold = end, s.age = holdFrames_;
    } else if (s.age + frames <= holdFrames_) {
      s.age += frames;
    } else {
      s.hold = end;  // expired within the block: follows the reading
      s.age = holdFrames_;
    }
    s.reading = end;
    // A reading far below anything shown is silence; stopping it there keeps the products
    // out of denormal numbers (slow) after long silence.
    if (s.reading < 1e-10) s.reading = 0.0;
    if (s.hold < 1e-10) s.hold = 0.0;
    chan = s;
  }

  static float toDb(double a) noexcept {
    return a > 0.0 ? static_cast<float>(20.0 * std::log10(a)) : -std::numeric_limits<float>::infinity();
  }

  std::array<Chan, kMaxChannels> chans_{};
  std::uint32_t channels_ = 2;
  double fall_ = 1.0;
  double rise_ = 1.0;             // 1 / fall_
  float lane0_[kLanes] = {};      // add()'s starting weights and step
  float laneStep_ = 1.0f;
  float lane0Mono_[kLanes] = {};  // the same for addMono()'s one channel
  float laneStepMono_ = 1.0f;
  std::uint32_t fallFrames_ = 0;  // the block length fallN_ is for
  double fallN_ = 1.0, fallN1_ = 1.0;  // fall_ to that power, and to one less
  std::uint64_t holdFrames_ = 0;
  bool avx_ = simd::kCpuHasAvx;  // see setVectorWidth()
};

}  // namespace ringmix::engine
