#include "engine/realtime/mix/input_pull.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ringmix::engine {

namespace {

void silence(float* out, std::size_t samples) noexcept { std::memset(out, 0, samples * sizeof(float)); }

// Drops `frames` frames from the front of the ring; returns how many it dropped.
std::size_t dropFrames(InputRt& in, std::size_t frames) noexcept {
  std::size_t items = frames * in.channels, done = 0;
  while (items > 0) {
    auto chunk = in.source.readChunk(items);
    if (chunk.size() == 0) break;
    items -= chunk.size();
    done += chunk.size();
    chunk.commit(chunk.size());
  }
  in.consumedFrames += done / in.channels;
  return done / in.channels;
}

// An uncompensated producer whose clock ran ahead (or that kept producing while the mix was not
// pulling, e.g. during a sound server's start-up stall) leaves its ring nearly full: every later
// burst would overflow it, each overflow a discontinuity. Drop back to the jitter-buffer level
// once instead (one counted jump). Compensated inputs never get here: they are re-synced.
void trimIfFull(InputRt& in, std::uint32_t periodFrames) noexcept {
  const std::size_t ch = in.channels;
  const std::size_t cap = in.ring.capacity();
  const std::size_t high = cap - std::min(cap / 4, static_cast<std::size_t>(periodFrames) * ch * 4);
  const std::size_t avail = in.source.readAvailable();
  if (avail < high) return;
  const std::size_t keep = static_cast<std::size_t>(in.primeFrames) * ch;
  in.trimmedFrames += dropFrames(in, (avail - std::min(avail, keep)) / ch);
}

// Whether the jitter buffer is full enough to pull from (it stays so until an underrun). A
// compensated input starts exactly at its target, so that its loop starts at rest: it drops what
// arrived beyond it (a device's periods overshoot the level; a device back from a stall delivers
// its backlog). Before the input was ever heard that is alignment, not loss; after a re-sync it
// is part of the re-sync, and counted.
bool primed(InputRt& in) noexcept {
  if (in.primed) return true;
  const std::size_t avail = in.source.readAvailable() / in.channels;
  if (avail < in.primeFrames) return false;
  in.primed = true;
  if (in.compensate && avail > in.primeFrames) {
    const std::size_t dropped = dropFrames(in, avail - in.primeFrames);
    if (in.heard) in.trimmedFrames += dropped;
  }
  in.heard = true;
  in.drift.restart();
  return true;
}

// The producer's newest clock stamp, if it published one since the last look.
void observeStamp(InputRt& in) noexcept {
  if (!in.stamp || in.stamp->version() == in.stampSeen) return;
  ClockStampValue v;
  if (!in.stamp->tryRead(v)) return;  // a publish overlapped: next cycle
  in.stampSeen = in.stamp->version();
  in.drift.observeProducer(v.timeNs, static_cast<double>(v.frames), v.breaks);
}

// Through the resampler: its ring holds producer frames; convert into `frames` mix frames.
std::uint32_t pullResampled(InputRt& in, float* out, std::uint32_t frames) noexcept {
  const std::uint32_t ch = in.channels;
  std::uint32_t produced = 0;
  // At most two contiguous spans are waiting; a third pass finds the ring empty.
  for (int pass = 0; pass < 3 && produced < frames; ++pass) {
    auto chunk = in.source.readChunk(in.source.readAvailable());
    const auto span = chunk.first;
    if (span.empty()) break;
    const auto r = in.resampler->process(span.data(), static_cast<std::uint32_t>(span.size() / ch),
                                         out + static_cast<std::size_t>(produced) * ch, frames - produced);
    chunk.commit(static_cast<std::size_t>(r.consumed) * ch);
    in.consumedFrames += r.consumed;
    produced += r.produced;
    if (r.consumed == 0 && r.produced == 0) break;
  }
  return produced;
}

}  // namespace

void restartDrift(InputRt& in) noexcept { in.drift.restart(); }

double inputLatencyFrames(const InputRt& in) noexcept {
  if (in.direct) return in.direct->directFill();  // the ring's fill it stands for
  const double fill = in.drift.started() ? in.drift.fillFrames()
                                         : static_cast<double>(in.ring.sizeApprox() / in.channels);
  return fill / in.drift.nominalRatio();
}

PullOutcome pullInput(InputRt& in, float* out, std::uint32_t frames, std::uint32_t periodFrames,
                      const MasterTime& master) noexcept {
  PullOutcome outcome;
  const std::size_t need = static_cast<std::size_t>(frames) * in.channels;
  if (in.sourceFailed.load(std::memory_order_relaxed)) {
    // Its device is gone: silence, and no underrun per cycle (metrics say it failed).
    silence(out, need);
    return outcome;
  }
  observeStamp(in);
  if (!in.compensate && in.trimWhenFull) trimIfFull(in, periodFrames);
  if (!primed(in)) {
    silence(out, need);
    return outcome;
  }
  if (in.stamp) {
    const double position =
        static_cast<double>(in.consumedFrames) + (in.resampler ? in.resampler->committed() : 0.0);
    const auto relation = in.clockRelation.load(std::memory_order_relaxed);
    in.drift.setSameClock(relation == InputRt::ClockRelation::Same);
    in.drift.setSkewLimit(relation == InputRt::ClockRelation::SystemVsDevice ? DriftLoop::kSystemClockSkew : 0.0);
    const auto step = in.drift.step(master.nowNs, master.rate, position,
                                    static_cast<double>(in.source.readAvailable() / in.channels));
    if (in.compensate) {
      if (step.resync) {
        // Past repair by resampling: back to the target at once, counted. Too full: drop the
        // excess and go on; too empty: wait (silence) until the target is buffered again.
        ++in.resyncs;
        outcome = {true, step.resyncError};
        const std::size_t avail = in.source.readAvailable() / in.channels;
        if (avail > in.primeFrames) {
          in.trimmedFrames += dropFrames(in, avail - in.primeFrames);
          in.drift.restart();
        } else {
          in.primed = false;
          in.drift.restart();  // not locked while it waits
          silence(out, need);
          return outcome;
        }
      } else {
        in.resampler->setRatio(step.ratio);
      }
    }
  }
  const std::size_t got = in.resampler ? static_cast<std::size_t>(pullResampled(in, out, frames)) * in.channels
                                       : in.source.pop(out, need);
  if (!in.resampler) in.consumedFrames += got / in.channels;
  if (got < need) {
    silence(out + got, need - got);
    ++in.underruns;
    in.primed = false;  // rebuild the jitter buffer before pulling again
    if (in.compensate && !outcome.resynced) {  // ran dry: the error grew past repair
      ++in.resyncs;
      outcome = {true, in.drift.fillFrames() - in.drift.setPoint()};
      in.drift.restart();  // not locked while it waits
    }
  }
  return outcome;
}

void feedDuplex(InputRt& in, const float* deviceIn, std::uint32_t deviceInChannels, std::uint32_t frames,
                float* scratch) noexcept {
  for (std::uint32_t f = 0; f < frames; ++f)
    for (std::uint32_t c = 0; c < in.channels; ++c) {
      const std::uint32_t src = in.duplexMap[c];
      scratch[f * in.channels + c] = deviceIn && src < deviceInChannels ? deviceIn[f * deviceInChannels + src] : 0.0f;
    }
  in.duplexFeed.push(scratch, static_cast<std::size_t>(frames) * in.channels, in.channels);
}

}  // namespace ringmix::engine
