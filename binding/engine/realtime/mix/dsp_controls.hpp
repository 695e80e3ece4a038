// DspControls: the newest DSP settings of an input's strip (high-pass, gate, EQ, compressor) and
// of the master's chain (EQ, compressor, limiter), written by the JS thread and read by the mix
// cycle. Like StripControls they are state, newest wins: a seqlock (rt::Snapshot) holds the whole
// parameter set, so the cycle never sees half of an update (a filter's frequency from one call
// and its gain from another), and the JS thread never waits or fails however often it sets them.
#pragma once

#include <cstdint>

#include "engine/realtime/dsp/limiter.hpp"
#include "engine/realtime/dsp/strip_params.hpp"
#include "rt/snapshot.hpp"

namespace ringmix::engine {

using dsp::CompressorParams;
using dsp::EqParams;
using dsp::GateParams;
using dsp::HighPassParams;

struct InputDspParams {
  HighPassParams highPass;
  GateParams gate;
  EqParams eq;
  CompressorParams compressor;
  // The input whose signal drives the compressor's detector (ducking), by id; 0: its own.
  std::uint32_t sidechainId = 0;
};

struct MasterDspParams {
  EqParams eq;
  CompressorParams compressor;
  LimiterParams limiter;
};

template <class P>
class ParamsControl {
 public:
  explicit ParamsControl(const P& initial) noexcept { store(initial); }

  // JS thread (the one writer).
  void store(const P& p) noexcept {
    current_ = p;
    snapshot_.publish(p);
  }
  // JS thread: the values last stored.
  const P& current() const noexcept { return current_; }

  // Mix cycle: copies the values into `out` when they changed since `seen`. A read racing a store
  // is retried on the next cycle (the version it saw stays unseen).
  bool pull(std::uint64_t& seen, P& out) const noexcept {
    const std::uint64_t v = snapshot_.version();
    if (v == seen || !snapshot_.tryRead(out)) return false;
    seen = v;
    return true;
  }

 private:
  P current_{};
  rt::Snapshot<P> snapshot_;
};

using InputDspControls = ParamsControl<InputDspParams>;
using MasterDspControls = ParamsControl<MasterDspParams>;

}  // namespace ringmix::engine
