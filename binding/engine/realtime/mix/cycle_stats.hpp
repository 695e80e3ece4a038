// CycleStats: the mix cycle's counters and timing statistics, and the metrics snapshot built from
// them each cycle. Real-time code: arithmetic on its own members.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/config.hpp"
#include "engine/metrics.hpp"
#include "engine/realtime/mix/input_pull.hpp"
#include "engine/realtime/mix/input_rt.hpp"
#include "engine/realtime/mix/master_dsp.hpp"
#include "engine/realtime/mix/meter.hpp"

namespace ringmix::engine {

class CycleStats {
 public:
  explicit CycleStats(const EngineConfig& config) noexcept
      : sampleRate_(config.sampleRate), channels_(config.channels), maxWindowFrames_(config.sampleRate / 2) {
    for (auto& ch : snapshot_.masterPeakDb) ch = -INFINITY;
    for (auto& ch : snapshot_.masterRmsDb) ch = -INFINITY;
  }

  void noteXrun() noexcept { ++xruns_; }
  // A burst of skipped cycles is one xrun too: the mix did not keep time.
  void noteSkipped(std::uint64_t cycles) noexcept {
    skipped_ += cycles;
    ++xruns_;
  }
  std::uint64_t frames() const noexcept { return frames_; }

  // After each cycle: counts it and its timing.
  void record(std::uint32_t frames, double cycleUs, std::int64_t lateNs) noexcept {
    frames_ += frames;
    ++cycles_;
    const double lateUs = static_cast<double>(lateNs) / 1e3;
    cycleUsSum_ += cycleUs;
    lateUsSum_ += lateUs;
    // Maxima over the last half to one second: two half-second buckets.
    framesInMaxWindow_ += frames;
    if (framesInMaxWindow_ >= maxWindowFrames_) {
      cycleUsMaxPrev_ = cycleUsMaxCur_;
      lateUsMaxPrev_ = lateUsMaxCur_;
      cycleUsMaxCur_ = lateUsMaxCur_ = 0;
      framesInMaxWindow_ = 0;
    }
    cycleUsMaxCur_ = std::max(cycleUsMaxCur_, cycleUs);
    lateUsMaxCur_ = std::max(lateUsMaxCur_, lateUs);
    lastLoad_ = cycleUs / (1e6 * frames / sampleRate_);
  }

  // The snapshot to publish: the counters and every input's state now.
  const MetricsFrame& build(const WindowMeter& master, const MasterDsp& dsp, InputRt* const* inputs,
                            std::uint32_t inputCount) noexcept {
    MetricsFrame& m = snapshot_;
    m.frames = frames_;
    m.cycles = cycles_;
    m.xruns = xruns_;
    m.skippedCycles = skipped_;
    m.dspLoad = lastLoad_;
    m.cycleUsMean = cycles_ ? cycleUsSum_ / static_cast<double>(cycles_) : 0.0;
    m.cycleUsMax = std::max(cycleUsMaxCur_, cycleUsMaxPrev_);
    m.lateUsMean = cycles_ ? lateUsSum_ / static_cast<double>(cycles_) : 0.0;
    m.lateUsMax = std::max(lateUsMaxCur_, lateUsMaxPrev_);
    m.realtimePriority = 0;  // the engine fills it in: it knows its clock threads
    m.inputCount = inputCount;
    for (std::uint32_t o = 0; o < kMaxChannels; ++o) {
      m.masterPeakDb[o] = o < channels_ ? master.peakDb(o) : -INFINITY;
      m.masterRmsDb[o] = o < channels_ ? master.rmsDb(o) : -INFINITY;
      m.masterPpmDb[o] = o < channels_ ? dsp.peaks().peakDb(o) : -INFINITY;
      m.masterPeakHoldDb[o] = o < channels_ ? dsp.peaks().holdDb(o) : -INFINITY;
    }
    m.masterCompressorGainReductionDb = dsp.compressorGainReductionDb();
    m.limiterGainReductionDb = dsp.limiterGainReductionDb();
    m.limiterLatencyFrames = dsp.latencyFrames();
    const LoudnessMeter& l = dsp.loudness();
    m.loudness = {l.momentaryLufs(), l.shortTermLufs(), l.integratedLufs(), l.rangeLu(), l.truePeakDbtp()};
    for (std::uint32_t i = 0; i < inputCount; ++i) {
      const InputRt& in = *inputs[i];
      InputMetrics& im = m.inputs[i];
      im.id = in.id;
      im.channels = in.channels;
      for (std::uint32_t c = 0; c < kMaxChannels; ++c) {
        im.peakDb[c] = c < in.channels ? in.meter.peakDb(c) : -INFINITY;
        im.rmsDb[c] = c < in.channels ? in.meter.rmsDb(c) : -INFINITY;
        im.ppmDb[c] = c < in.channels ? in.ppm.peakDb(c) : -INFINITY;
        im.peakHoldDb[c] = c < in.channels ? in.ppm.holdDb(c) : -INFINITY;
      }
      im.gainReductionDb = in.dsp.gainReductionDb();
      im.fillFrames = static_cast<std::uint32_t>(in.ring.sizeApprox() / in.channels);
      im.underruns = in.underruns;
      im.overruns = in.ring.droppedItems() / in.channels + in.trimmedFrames;
      im.ratio = in.resampler ? in.resampler->ratio() : 1.0;
      im.clockPpm = !in.stamp ? 0.0 : in.compensate ? in.drift.clockPpm() : in.drift.measuredPpm();
      im.latencyFrames = inputLatencyFrames(in);
      im.resyncs = in.resyncs;
      im.locked = in.duplex || in.direct || (in.compensate && in.drift.locked());  // direct: the master's own clock
    }
    return m;
  }

 private:
  const std::uint32_t sampleRate_, channels_;
  std::uint64_t frames_ = 0, cycles_ = 0, xruns_ = 0, skipped_ = 0;
  double cycleUsSum_ = 0, lateUsSum_ = 0, lastLoad_ = 0;
  double cycleUsMaxCur_ = 0, cycleUsMaxPrev_ = 0, lateUsMaxCur_ = 0, lateUsMaxPrev_ = 0;
  std::uint64_t maxWindowFrames_, framesInMaxWindow_ = 0;
  MetricsFrame snapshot_{};
};

}  // namespace ringmix::engine
