// One thing under test: a mixer (variants "ringmix" and "uncompensated") or the mutex pipeline
// ("mutexRing"), fed by one impulse source on a clock `ppm` off the master's, and what the bench
// learns from it: the markers read back from its mix, and its counters.
//
// A mixer is driven through the Engine's C++ API as the addon drives it, from one thread (the
// bench's main thread, standing in for the JS thread): addInput, start/stop or advance, metrics.
// Its mix is read through a reader of the engine's broadcast ring, as a tap reads it.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drift/markers.hpp"
#include "drift/mutex_pipeline.hpp"
#include "engine/control/engine.hpp"

namespace ringmix::bench::drift {

enum class Variant { Ringmix, Uncompensated, MutexRing };

inline const char* variantName(Variant v) {
  switch (v) {
    case Variant::Ringmix: return "ringmix";
    case Variant::Uncompensated: return "uncompensated";
    case Variant::MutexRing: return "mutexRing";
  }
  return "?";
}

struct Setup {
  bool simulated = false;
  std::uint32_t sampleRate = 48000;
  std::uint32_t periodFrames = 256;
};

class Subject {
 public:
  Subject(Variant variant, double ppm, const Setup& setup)
      : variant_(variant), ppm_(ppm), rate_(setup.sampleRate), buf_(8192) {
    if (variant == Variant::MutexRing) {
      // Primed as the engine primes a virtual device's input in this clock mode; the deque's cap is
      // the engine's input ring for this source (32768 frames at 48 kHz), so the two "full" points
      // are comparable; its output ring is the engine's broadcast ring's size.
      const std::size_t prime = (setup.simulated ? 1 : 2) * static_cast<std::size_t>(setup.periodFrames);
      pipe_ = std::make_unique<MutexPipeline>(ppm, setup.sampleRate, setup.periodFrames, prime, 32768, 1u << 17);
      reader_.emplace(pipe_->output().reader());
      return;
    }
    engine::EngineConfig c;
    c.sampleRate = setup.sampleRate;
    c.periodFrames = setup.periodFrames;
    c.channels = 1;  // a mono mix: the impulse is the only signal
    engine_ = std::make_unique<engine::Engine>(c, setup.simulated ? engine::ClockMode::Simulated
                                                                  : engine::ClockMode::Virtual);
    engine::InputSpec s;
    s.kind = engine::InputSpec::Kind::Generator;
    s.generator.kind = engine::GeneratorKind::Impulses;
    s.generator.intervalMs = 1000.0;  // one per second of the device's clock
    s.generator.levelDb = 0.0;        // height 1.0
    s.clockPpm = ppm;
    s.compensateDrift = variant == Variant::Ringmix;
    engine_->addInput(s);
    // Made before the first cycle: position 0 of the reader is mix frame 0.
    reader_.emplace(engine_->output().reader());
  }

  Variant variant() const { return variant_; }
  double ppm() const { return ppm_; }
  double rate() const { return rate_; }

  // ---- driving ----
  void start() { engine_ ? engine_->start() : pipe_->start(); }
  void stop() { engine_ ? engine_->stop() : pipe_->stop(); }
  // Simulated: `cycles` master periods.
  void advance(std::uint64_t cycles, std::uint32_t periodFrames) {
    if (engine_) {
      engine_->advance(cycles * periodFrames);
    } else {
      for (std::uint64_t i = 0; i < cycles; ++i) pipe_->step();
    }
  }

  // ---- measuring ----
  // Reads what the mix produced since the last call and finds its markers.
  void drain() {
    for (;;) {
      const auto r = reader_->read(buf_.data(), buf_.size());
      lostFrames_ += r.lost;
      if (r.items == 0) break;
      scanner_.feed(buf_.data(), r.items, reader_->position() - r.items);
    }
    for (double pos : scanner_.take()) points_.push_back(latencyOf(pos, ppm_, rate_));
  }

  // Samples the counters (the bench calls this every ~100 ms of mix time): lock state, load.
  void sampleMetrics() {
    if (pipe_) {
      ps_ = pipe_->stats();
      masterS_ = static_cast<double>(ps_.frames) / rate_;
      return;
    }
    const engine::MetricsFrame m = engine_->metrics();
    engine::Event ev;
    while (engine_->pollEvent(ev)) {
    }  // not needed here (the counters say it all); drained so the queue never reports drops
    const engine::InputMetrics& in = m.inputs[0];
    masterS_ = static_cast<double>(m.frames) / rate_;
    const bool locked = in.locked != 0;
    if (locked && std::isnan(lockTimeS_)) lockTimeS_ = masterS_;
    if (!locked && lockedNow_) ++lockLosses_;
    lockedNow_ = locked;
    loadSum_ += m.dspLoad;
    ++loadSamples_;
    em_ = {m.xruns, m.skippedCycles, m.realtimePriority != 0, in.underruns, in.overruns, in.resyncs,
           in.ratio, in.clockPpm, in.latencyFrames};
  }

  // ---- results ----
  struct Counters {
    std::uint64_t xruns = 0, skippedCycles = 0;
    bool realtime = false;
    std::uint64_t underruns = 0, overruns = 0, resyncs = 0;
    double ratio = 1.0, clockPpm = 0.0, latencyFrames = 0.0;
  };

  bool isEngine() const { return engine_ != nullptr; }
  double masterSeconds() const { return masterS_; }
  const std::vector<LatencyPoint>& points() const { return points_; }
  // Compensated: the first time metrics said locked (NaN: never). Others never lock.
  double lockTimeS() const { return lockTimeS_; }
  bool lockedNow() const { return lockedNow_; }
  int lockLosses() const { return lockLosses_; }
  double dspLoadMean() const { return pipe_ ? ps_.loadMean : loadSamples_ ? loadSum_ / loadSamples_ : NAN; }
  const Counters& engineCounters() const { return em_; }
  const MutexPipeline::Stats& pipeStats() const { return ps_; }
  std::uint64_t readerLostFrames() const { return lostFrames_; }

  // The markers the figures are taken over: after lock for a compensated input that locked, all
  // of them otherwise (nothing else locks: their whole run is their steady state).
  std::vector<LatencyPoint> pointsAfterLock() const {
    if (std::isnan(lockTimeS_)) return points_;
    std::vector<LatencyPoint> out;
    for (const auto& p : points_)
      if (p.timeS >= lockTimeS_) out.push_back(p);
    return out;
  }

 private:
  const Variant variant_;
  const double ppm_;
  const double rate_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<MutexPipeline> pipe_;
  std::optional<rt::SpmcRing<float>::Reader> reader_;
  std::vector<float> buf_;
  MarkerScanner scanner_;
  std::vector<LatencyPoint> points_;
  std::uint64_t lostFrames_ = 0;

  double masterS_ = 0.0;
  double lockTimeS_ = NAN;
  bool lockedNow_ = false;
  int lockLosses_ = 0;
  double loadSum_ = 0.0;
  std::uint64_t loadSamples_ = 0;
  Counters em_;
  MutexPipeline::Stats ps_;
};

}  // namespace ringmix::bench::drift
