// InputRt: the mix cycle's part of one input: the consumer end of its ring, its strip, meter and
// counters. It lives inside the control side's Input (engine/control/input.hpp), which allocates
// and frees it on the JS thread; the cycle borrows it between the AddInput command and handing it
// back through the retired ring, and only the cycle touches its non-atomic members meanwhile.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/realtime/drift/clock_stamp.hpp"
#include "engine/realtime/drift/drift_loop.hpp"
#include "engine/realtime/dsp/peak_meter.hpp"
#include "engine/realtime/mix/channel_strip.hpp"
#include "engine/realtime/mix/dsp_controls.hpp"
#include "engine/realtime/mix/input_dsp.hpp"
#include "engine/realtime/mix/meter.hpp"
#include "engine/realtime/dsp/resampler.hpp"
#include "engine/realtime/mix/strip_controls.hpp"
#include "engine/realtime/sources/virtual_source.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

struct InputRt {
  InputRt(std::uint32_t id_, std::uint32_t channels_, rt::SpscRing<float>& ring_, const StripControls& controls_,
          const InputDspControls& dspControls_, float* buffer_)
      : id(id_), channels(channels_), ring(ring_), source(ring_.consumer()), controls(controls_),
        dspControls(dspControls_), buffer(buffer_) {}

  const std::uint32_t id;
  const std::uint32_t channels;
  const rt::SpscRing<float>& ring;       // for its fill and overflow counts
  rt::SpscRing<float>::Consumer source;  // the only consumer of the ring

  // Set before the input is handed to the cycle (control side), read-only afterwards.
  // The mix starts (and restarts after an underrun) pulling only once this much is buffered.
  std::uint32_t primeFrames = 0;
  // Producers on their own clock (devices) are trimmed when their ring is nearly full; a JS push
  // input fills its ring on purpose (backpressure) and never is.
  bool trimWhenFull = false;
  // Converts a capture device's rate to the mixer's inside the pull, at a ratio steered by drift
  // compensation (null: same rate, not compensated). Owned by the control side's Input; only the
  // cycle calls it.
  Resampler* resampler = nullptr;
  // Drift: the producer's clock stamps (null: a duplex input, on the master's own clock), and
  // whether the loop steers the resampler (else it only measures).
  const ClockStamp* stamp = nullptr;
  bool compensate = false;
  // Simulated clock, a generator on the mixer's own clock: the cycle renders it into `buffer`
  // itself, with no ring in between (VirtualSource::enableDirect()); null otherwise, and once it
  // left direct mode (the engine clears it, between cycles).
  VirtualSource* direct = nullptr;
  // This cycle, direct and carried as one channel (MixCycle::run()): `buffer` holds mono samples.
  bool mono = false;
  // Mono since a cycle that noted its blocks' bypass, with nothing changed since (the cycle then
  // skips that bookkeeping, and the checks); monoTail: its last two samples, the history its
  // bypassed filters get when something changes (mono_carriage.hpp).
  bool steady = false;
  float monoTail[2] = {};
  // Duplex: the input's device is the master clock's device, opened as one stream with it; the
  // cycle copies these channels of the callback's input buffer into the ring just before pulling.
  bool duplex = false;
  std::uint32_t duplexMap[2] = {0, 1};
  rt::SpscRing<float>::Producer duplexFeed;  // duplex only: the cycle is the ring's producer too

  // Written by the JS thread's device watchdog: the input's device failed, so it reads silence.
  std::atomic<bool> sourceFailed{false};
  // Written by the JS thread: how the producer's clock relates to the master's (a generator at
  // 0 ppm ticks on the system clock). Same: the master's own clock (virtual, simulated), so there
  // is no drift to learn (DriftLoop::setSameClock()), and the resampler passes frames through.
  // SystemVsDevice: the master is a device, whose crystal is off the system clock by its own
  // small offset: learnt, within DriftLoop::kSystemClockSkew, so that time a device loses (a
  // stalled sound server) is a counted re-sync, not a pitch several cents off. Own: any offset.
  enum class ClockRelation : std::uint8_t { Own, Same, SystemVsDevice };
  std::atomic<ClockRelation> clockRelation{ClockRelation::Own};

  // Mix-cycle state.
  const StripControls& controls;
  std::uint64_t controlsSeen = 0;
  const InputDspControls& dspControls;
  std::uint64_t dspSeen = 0;
  // This cycle's frames (kMaxPeriodFrames × channels, owned by the control side's Input): pulled,
  // processed by the DSP blocks, read by the compressors it is the sidechain of, then mixed.
  float* const buffer;
  InputDsp dsp;
  ChannelStrip strip;
  WindowMeter meter;
  PeakProgrammeMeter ppm;  // post-fader, like `meter`
  std::uint64_t underruns = 0;
  std::uint64_t trimmedFrames = 0;  // dropped to bring a (nearly) full ring back to primeFrames
  bool primed = false;
  bool heard = false;  // primed at least once
  DriftLoop drift;
  std::uint64_t stampSeen = 0;
  std::uint64_t consumedFrames = 0;  // producer frames taken from the ring
  std::uint64_t resyncs = 0;
};

}  // namespace ringmix::engine
