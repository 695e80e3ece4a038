#include "mix_cycle.hpp"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ringmix::engine {

namespace {
// CLOCK_MONOTONIC through the vDSO: a memory read, not a system call.
double nowUs() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}
}  // namespace

MixCycle::MixCycle(const EngineConfig& config, const CycleLinks& links)
    : config_(config),
      links_(links),
      scratch_(new float[static_cast<std::size_t>(kMaxPeriodFrames) * kMaxChannels]()),
      bus_(new float[static_cast<std::size_t>(kMaxPeriodFrames) * kMaxChannels]()),
      rampFrames_(static_cast<std::uint32_t>(std::lround(config.rampMs * config.sampleRate / 1000.0))) {
  masterGain_.reset(1.0f);
  const double periodMs = 1000.0 * config.periodFrames / config.sampleRate;
  masterMeter_.configure(static_cast<std::size_t>(std::ceil(config.meterWindowMs / periodMs)));
  maxWindowFrames_ = config.sampleRate / 2;
  snapshot_.realtimePriority = 0;
  for (auto& ch : snapshot_.masterPeakDb) ch = -INFINITY;
  for (auto& ch : snapshot_.masterRmsDb) ch = -INFINITY;
}

Input* MixCycle::find(std::uint32_t id) noexcept {
  for (std::uint32_t i = 0; i < inputCount_; ++i)
    if (inputs_[i]->id == id) return inputs_[i];
  return nullptr;
}

void MixCycle::updateSolo() noexcept {
  bool any = false;
  for (std::uint32_t i = 0; i < inputCount_; ++i) any = any || inputs_[i]->strip.params().solo;
  anySolo_ = any;
  for (std::uint32_t i = 0; i < inputCount_; ++i) inputs_[i]->strip.retarget(anySolo_);
}

void MixCycle::apply(const Command& c) noexcept {
  switch (c.type) {
    case CommandType::AddInput: {
      Input* in = c.input;
      if (inputCount_ == kMaxInputs) {  // the JS side enforces the limit; never lose the pointer
        links_.retired.push(&in, 1);
        return;
      }
      inputs_[inputCount_++] = in;
      bool any = anySolo_ || in->strip.params().solo;
      in->strip.configure(in->channels, config_.channels, rampFrames_, in->strip.params(), any);
      const double periodMs = 1000.0 * config_.periodFrames / config_.sampleRate;
      in->meter.configure(static_cast<std::size_t>(std::ceil(config_.meterWindowMs / periodMs)));
      if (in->strip.params().solo) updateSolo();
      return;
    }
    case CommandType::RemoveInput: {
      for (std::uint32_t i = 0; i < inputCount_; ++i) {
        if (inputs_[i]->id != c.id) continue;
        Input* in = inputs_[i];
        std::memmove(&inputs_[i], &inputs_[i + 1], (inputCount_ - i - 1) * sizeof(Input*));
        --inputCount_;
        links_.retired.push(&in, 1);  // sized for every input at once: cannot be full
        updateSolo();
        return;
      }
      return;
    }
    case CommandType::SetMasterGainDb:
      masterGain_.setTarget(dbToGain(c.value), rampFrames_);
      return;
    default:
      break;
  }
  Input* in = find(c.id);
  if (in == nullptr) return;  // removed meanwhile
  StripParams& p = in->strip.params();
  switch (c.type) {
    case CommandType::SetGainDb: p.gainDb = c.value; break;
    case CommandType::SetPan: p.pan = c.value; break;
    case CommandType::SetMuted: p.muted = c.value != 0; break;
    case CommandType::SetSolo:
      p.solo = c.value != 0;
      updateSolo();
      return;
    default: return;
  }
  in->strip.retarget(anySolo_);
}

void MixCycle::drainCommands() noexcept {
  Command c;
  while (links_.commands.tryReceive(c)) apply(c);
}

void MixCycle::retireAll() noexcept {
  for (std::uint32_t i = 0; i < inputCount_; ++i) links_.retired.push(&inputs_[i], 1);
  inputCount_ = 0;
  anySolo_ = false;
}

void MixCycle::pull(Input& in, std::uint32_t frames) noexcept {
  const std::size_t need = static_cast<std::size_t>(frames) * in.channels;
  float* out = scratch_.get();
  if (in.sourceFailed.load(std::memory_order_relaxed)) {
    // Its device is gone: silence, and no underrun per cycle (metrics say it failed).
    std::memset(out, 0, need * sizeof(float));
    return;
  }
  if (in.trimWhenFull) trimIfFull(in);
  if (in.resampler) {
    pullResampled(in, frames);
    return;
  }
  if (!in.primed) {
    if (in.ring.readAvailable() >= static_cast<std::size_t>(in.primeFrames) * in.channels) {
      in.primed = true;
    } else {
      std::memset(out, 0, need * sizeof(float));
      return;
    }
  }
  const std::size_t got = in.ring.pop(out, need);
  if (got < need) {
    std::memset(out + got, 0, (need - got) * sizeof(float));
    ++in.underruns;
    in.primed = false;  // rebuild the jitter buffer before pulling again
  }
}

// A producer whose clock ran ahead (or that kept producing while the mix was not pulling, e.g.
// during a sound server's start-up stall) leaves its ring nearly full: every later burst would
// overflow it, each overflow a discontinuity. Drop back to the jitter-buffer level once instead
// (one counted jump). Drift compensation keeps rings from getting here; this is the backstop.
void MixCycle::trimIfFull(Input& in) noexcept {
  const std::size_t ch = in.channels;
  const std::size_t cap = in.ring.capacity();
  const std::size_t high = cap - std::min(cap / 4, static_cast<std::size_t>(config_.periodFrames) * ch * 4);
  const std::size_t avail = in.ring.readAvailable();
  if (avail < high) return;
  const std::size_t keep = static_cast<std::size_t>(in.primeFrames) * ch;
  std::size_t drop = avail - std::min(avail, keep);
  drop -= drop % ch;
  in.trimmedFrames += drop / ch;
  while (drop > 0) {
    auto chunk = in.ring.readChunk(drop);
    if (chunk.size() == 0) break;
    drop -= chunk.size();
    chunk.commit(chunk.size());
  }
}

// A device at another rate: its ring holds device-rate frames; convert into `frames` mix frames.
void MixCycle::pullResampled(Input& in, std::uint32_t frames) noexcept {
  const std::uint32_t ch = in.channels;
  float* out = scratch_.get();
  if (!in.primed) {
    if (in.ring.readAvailable() >= static_cast<std::size_t>(in.primeFrames) * ch) {
      in.primed = true;
    } else {
      std::memset(out, 0, static_cast<std::size_t>(frames) * ch * sizeof(float));
      return;
    }
  }
  std::uint32_t produced = 0;
  // At most two contiguous spans are waiting; a third pass finds the ring empty.
  for (int pass = 0; pass < 3 && produced < frames; ++pass) {
    auto chunk = in.ring.readChunk(in.ring.readAvailable());
    const auto span = chunk.first;
    if (span.empty()) break;
    const auto r = in.resampler->process(span.data(), static_cast<std::uint32_t>(span.size() / ch),
                                         out + static_cast<std::size_t>(produced) * ch, frames - produced);
    chunk.commit(static_cast<std::size_t>(r.consumed) * ch);
    produced += r.produced;
    if (r.consumed == 0 && r.produced == 0) break;
  }
  if (produced < frames) {
    std::memset(out + static_cast<std::size_t>(produced) * ch, 0,
                static_cast<std::size_t>(frames - produced) * ch * sizeof(float));
    ++in.underruns;
    in.primed = false;
  }
}

// The selected channels of the device's input buffer, straight into the input's ring.
void MixCycle::feedDuplex(Input& in, const float* deviceIn, std::uint32_t deviceInChannels,
                          std::uint32_t frames) noexcept {
  float* tmp = scratch_.get();  // free until this input is pulled
  for (std::uint32_t f = 0; f < frames; ++f)
    for (std::uint32_t c = 0; c < in.channels; ++c) {
      const std::uint32_t src = in.duplexMap[c];
      tmp[f * in.channels + c] = deviceIn && src < deviceInChannels ? deviceIn[f * deviceInChannels + src] : 0.0f;
    }
  in.ring.push(tmp, static_cast<std::size_t>(frames) * in.channels, in.channels);
}

void MixCycle::run(std::uint32_t frames, std::int64_t lateNs, float* deviceOut, const float* deviceIn,
                   std::uint32_t deviceInChannels) noexcept {
  const double t0 = nowUs();
  drainCommands();
  const std::uint32_t out = config_.channels;
  float* bus = bus_.get();
  std::memset(bus, 0, static_cast<std::size_t>(frames) * out * sizeof(float));

  for (std::uint32_t i = 0; i < inputCount_; ++i) {
    Input& in = *inputs_[i];
    if (in.duplex) feedDuplex(in, deviceIn, deviceInChannels, frames);
    pull(in, frames);
    in.strip.process(scratch_.get(), bus, frames, in.meter);
  }

  masterMeter_.beginBlock();
  for (std::uint32_t f = 0; f < frames; ++f) {
    const float g = masterGain_.next();
    for (std::uint32_t o = 0; o < out; ++o) {
      float& v = bus[f * out + o];
      v *= g;
      masterMeter_.add(o, v);
    }
  }
  masterMeter_.commitBlock(frames);

  if (deviceOut) std::memcpy(deviceOut, bus, static_cast<std::size_t>(frames) * out * sizeof(float));
  links_.output.write(bus, static_cast<std::size_t>(frames) * out);
  frames_ += frames;
  ++cycles_;
  publishMetrics(frames, nowUs() - t0, lateNs);
}

void MixCycle::noteXrun(std::int64_t overNs) noexcept {
  ++xruns_;
  links_.events.tryPush(Event{EventType::Xrun, 0, frames_, static_cast<double>(overNs) / 1e3});
}

void MixCycle::publishMetrics(std::uint32_t frames, double cycleUs, std::int64_t lateNs) noexcept {
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

  MetricsFrame& m = snapshot_;
  m.frames = frames_;
  m.cycles = cycles_;
  m.xruns = xruns_;
  m.dspLoad = cycleUs / (1e6 * frames / config_.sampleRate);
  m.cycleUsMean = cycleUsSum_ / static_cast<double>(cycles_);
  m.cycleUsMax = std::max(cycleUsMaxCur_, cycleUsMaxPrev_);
  m.lateUsMean = lateUsSum_ / static_cast<double>(cycles_);
  m.lateUsMax = std::max(lateUsMaxCur_, lateUsMaxPrev_);
  m.realtimePriority = realtimePriority_ ? 1 : 0;
  m.inputCount = inputCount_;
  for (std::uint32_t o = 0; o < kMaxChannels; ++o) {
    m.masterPeakDb[o] = o < config_.channels ? masterMeter_.peakDb(o) : -INFINITY;
    m.masterRmsDb[o] = o < config_.channels ? masterMeter_.rmsDb(o) : -INFINITY;
  }
  for (std::uint32_t i = 0; i < inputCount_; ++i) {
    const Input& in = *inputs_[i];
    InputMetrics& im = m.inputs[i];
    im.id = in.id;
    im.channels = in.channels;
    for (std::uint32_t c = 0; c < kMaxChannels; ++c) {
      im.peakDb[c] = c < in.channels ? in.meter.peakDb(c) : -INFINITY;
      im.rmsDb[c] = c < in.channels ? in.meter.rmsDb(c) : -INFINITY;
    }
    im.fillFrames = static_cast<std::uint32_t>(in.ring.sizeApprox() / in.channels);
    im.underruns = in.underruns;
    im.overruns = in.ring.droppedItems() / in.channels + in.trimmedFrames;
  }
  links_.metrics.publish(m);
}

}  // namespace ringmix::engine
