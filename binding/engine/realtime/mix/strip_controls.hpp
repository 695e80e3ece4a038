// StripControls: the latest value of each strip parameter, written by the JS thread and read by
// the mix cycle. Parameters are state, not events: only the newest value matters, so they are not
// queued (a queue can fill; a JS loop setting a fader 50,000 times must neither block nor fail).
//
// The JS side stores the fields (relaxed), then bumps `version` (release). The cycle loads
// `version` (acquire) once per cycle and reads the fields only when it moved. A write racing that
// read shows up as a version the cycle has not seen yet, so the newest values are picked up on the
// next cycle at the latest. Fields are independent, so reading a mix of old and new fields in one
// cycle is harmless: every field converges to its newest value.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/realtime/mix/channel_strip.hpp"

namespace ringmix::engine {

class StripControls {
 public:
  explicit StripControls(const StripParams& initial) noexcept { store(initial); }

  // JS thread.
  void store(const StripParams& p) noexcept {
    gainDb_.store(p.gainDb, std::memory_order_relaxed);
    pan_.store(p.pan, std::memory_order_relaxed);
    muted_.store(p.muted, std::memory_order_relaxed);
    solo_.store(p.solo, std::memory_order_relaxed);
    version_.fetch_add(1, std::memory_order_release);
  }
  StripParams load() const noexcept {
    return StripParams{gainDb_.load(std::memory_order_relaxed), pan_.load(std::memory_order_relaxed),
                       muted_.load(std::memory_order_relaxed), solo_.load(std::memory_order_relaxed)};
  }

  // Mix cycle: copies the values into `out` when they changed since `seen`; returns whether they did.
  bool pull(std::uint64_t& seen, StripParams& out) const noexcept {
    const std::uint64_t v = version_.load(std::memory_order_acquire);
    if (v == seen) return false;
    seen = v;
    out = load();
    return true;
  }

 private:
  std::atomic<double> gainDb_{0.0};
  std::atomic<double> pan_{0.0};
  std::atomic<bool> muted_{false};
  std::atomic<bool> solo_{false};
  std::atomic<std::uint64_t> version_{0};
};

// The master strip's gain, the same way; and how many times the loudness meter was asked to
// start over (a count, so that no request is lost between two cycles).
class MasterControls {
 public:
  void resetLoudness() noexcept { loudnessResets_.fetch_add(1, std::memory_order_release); }

  // Counts every change to any input's strip or DSP controls, after it is stored: the cycle looks
  // at the inputs' own controls only when this moved (an idle console's cycle reads one word, not
  // two per input).
  void noteInputControls() noexcept { inputControls_.fetch_add(1, std::memory_order_release); }
  std::uint64_t inputControls() const noexcept { return inputControls_.load(std::memory_order_acquire); }
  std::uint64_t loudnessResets() const noexcept { return loudnessResets_.load(std::memory_order_acquire); }

  void setGainDb(double db) noexcept {
    gainDb_.store(db, std::memory_order_relaxed);
    version_.fetch_add(1, std::memory_order_release);
  }
  bool pull(std::uint64_t& seen, double& gainDb) const noexcept {
    const std::uint64_t v = version_.load(std::memory_order_acquire);
    if (v == seen) return false;
    seen = v;
    gainDb = gainDb_.load(std::memory_order_relaxed);
    return true;
  }

 private:
  std::atomic<double> gainDb_{0.0};
  std::atomic<std::uint64_t> version_{0};
  std::atomic<std::uint64_t> loudnessResets_{0};
  std::atomic<std::uint64_t> inputControls_{0};
};

}  // namespace ringmix::engine
