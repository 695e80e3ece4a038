#include "engine/realtime/mix/mix_cycle.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>

#include "engine/realtime/sinks/clip.hpp"
#include "engine/realtime/mix/input_pull.hpp"
#include "engine/realtime/mix/mono_carriage.hpp"
#include "engine/realtime/mix/mono_fuse.hpp"
#include "platform/clock.hpp"

namespace ringmix::engine {


MixCycle::MixCycle(const EngineConfig& config, const CycleLinks& links)
    : config_(config),
      links_(links),
      rampFrames_(static_cast<std::uint32_t>(std::lround(config.rampMs * config.sampleRate / 1000.0))),
      meterBlocks_(static_cast<std::size_t>(
          std::ceil(config.meterWindowMs / (1000.0 * config.periodFrames / config.sampleRate)))),
      publishFrames_(std::max<std::uint32_t>(1, config.sampleRate / kMetricsPerSecond)),
      stats_(config) {
  masterGain_.reset(1.0f);
  masterMeter_.configure(meterBlocks_);
  masterDsp_.configure(config.sampleRate, config.channels, rampFrames_, config.masterLimiter);
  if (links_.masterDsp.pull(masterDspSeen_, masterDspScratch_)) masterDsp_.set(masterDspScratch_);
}

void MixCycle::updateSolo() noexcept {
  bool any = false;
  for (std::uint32_t i = 0; i < inputCount_; ++i) any = any || inputs_[i]->strip.params().solo;
  anySolo_ = any;
  for (std::uint32_t i = 0; i < inputCount_; ++i) {
    unsteady(*inputs_[i]);
    inputs_[i]->strip.retarget(anySolo_);
  }
}


void MixCycle::apply(const Command& c) noexcept {
  switch (c.type) {
    case CommandType::AddInput: {
      InputRt* in = c.input;
      if (inputCount_ == kMaxInputs) {  // the JS side enforces the limit; never lose the pointer
        links_.retired.push(&in, 1);
        return;
      }
      inputs_[inputCount_++] = in;
      in->controls.pull(in->controlsSeen, in->strip.params());
      const bool any = anySolo_ || in->strip.params().solo;
      in->strip.configure(in->channels, config_.channels, rampFrames_, in->strip.params(), any);
      in->meter.configure(meterBlocks_);
      in->ppm.configure(config_.sampleRate, in->channels);
      in->dsp.configure(config_.sampleRate, in->channels, rampFrames_);
      if (in->dspControls.pull(in->dspSeen, dspScratch_)) in->dsp.set(dspScratch_);
      if (in->strip.params().solo) updateSolo();
      return;
    }
    case CommandType::RemoveInput:
      for (std::uint32_t i = 0; i < inputCount_; ++i) {
        if (inputs_[i]->id != c.id) continue;
        InputRt* in = inputs_[i];
        std::memmove(&inputs_[i], &inputs_[i + 1], (inputCount_ - i - 1) * sizeof(InputRt*));
        --inputCount_;
        links_.retired.push(&in, 1);  // sized for every input that can be in flight: never full
        updateSolo();
        return;
      }
      return;
  }
}

void MixCycle::drainCommands() noexcept {
  Command c;
  while (links_.commands.tryReceive(c)) apply(c);
}

void MixCycle::publishState() noexcept {
  pullControls();
  publishMetrics();
}

void MixCycle::flushMetrics() noexcept {
  if (unpublishedFrames_ > 0) publishMetrics();
}

// Only the inputs present are copied: the snapshot of a mixer with few inputs stays small.
void MixCycle::publishMetrics() noexcept {
  const MetricsFrame& m = stats_.build(masterMeter_, masterDsp_, inputs_, inputCount_);
  links_.metrics.publish(m, offsetof(MetricsFrame, inputs) + sizeof(InputMetrics) * inputCount_);
  unpublishedFrames_ = 0;
}

// Newest strip and master parameters (see strip_controls.hpp): a version check per input.
void MixCycle::pullControls() noexcept {
  pullInputControls();
  double masterDb = 0.0;
  if (links_.master.pull(masterSeen_, masterDb)) masterGain_.setTarget(dbToGain(masterDb), rampFrames_);
  if (links_.masterDsp.pull(masterDspSeen_, masterDspScratch_)) masterDsp_.set(masterDspScratch_);
  const std::uint64_t resets = links_.master.loudnessResets();
  if (resets != loudnessResetsSeen_) {
    loudnessResetsSeen_ = resets;
    masterDsp_.resetLoudness();
  }
}

// Every input's strip and DSP controls, when any changed since the last look (an input added
// meanwhile pulled its own when the command was applied).
void MixCycle::pullInputControls() noexcept {
  const std::uint64_t changes = links_.master.inputControls();
  if (changes == inputControlsSeen_) return;
  inputControlsSeen_ = changes;
  bool soloChanged = false;
  for (std::uint32_t i = 0; i < inputCount_; ++i) {
    InputRt& in = *inputs_[i];
    const bool wasSolo = in.strip.params().solo;
    if (!in.controls.pull(in.controlsSeen, in.strip.params())) continue;
    unsteady(in);
    if (in.strip.params().solo != wasSolo) soloChanged = true;
    else in.strip.retarget(anySolo_);
  }
  if (soloChanged) updateSolo();
  for (std::uint32_t i = 0; i < inputCount_; ++i) {
    InputRt& in = *inputs_[i];
    if (!in.dspControls.pull(in.dspSeen, dspScratch_)) continue;
    unsteady(in);
    in.dsp.set(dspScratch_);
  }
}

void MixCycle::retireAll() noexcept {
  for (std::uint32_t i = 0; i < inputCount_; ++i) links_.retired.push(&inputs_[i], 1);
  inputCount_ = 0;
  anySolo_ = false;
}

// The master's smoothed time for this cycle and its measured rate. A gap of more than half a
// second (the mixer was stopped, or its clock stalled) starts the measurement afresh, for the
// inputs' drift loops too: their rings did not run meanwhile either.
MasterTime MixCycle::masterTime(std::int64_t timeNs) noexcept {
  const double frames = static_cast<double>(stats_.frames());
  if (lastNs_ == 0 || timeNs - lastNs_ > 500'000'000 || timeNs < lastNs_) {
    masterDll_.reset(config_.sampleRate);
    firstNs_ = timeNs;
    if (lastNs_ != 0)
      for (std::uint32_t i = 0; i < inputCount_; ++i) restartDrift(*inputs_[i]);
  }
  if (breaks_ != breaksSeen_) {
    breaksSeen_ = breaks_;
    masterDll_.restartKeepingRate();
    // The master lost time (its device's xrun): every input's fill stepped by what it did not
    // take meanwhile, which their loops re-sync or work off rather than integrate as an offset.
    for (std::uint32_t i = 0; i < inputCount_; ++i) inputs_[i]->drift.noteMasterStep();
  }
  lastNs_ = timeNs;
  const double age = static_cast<double>(timeNs - firstNs_) * 1e-9;
  masterDll_.setBandwidth(age < 1.0 ? 1.0 : age < 4.0 ? 0.25 : 0.05);
  masterDll_.update(timeNs, frames);
  return {masterDll_.timeAt(frames), masterDll_.rate()};
}

std::uint64_t MixCycle::run(std::uint32_t frames, std::int64_t timeNs, std::int64_t lateNs, float* deviceOut,
                            const float* deviceIn, std::uint32_t deviceInChannels) noexcept {
  const std::int64_t t0 = platform::nowNs();
  drainCommands();
  pullControls();
  const MasterTime master = masterTime(timeNs);
  const std::uint32_t out = config_.channels;
  float* bus = bus_;
  std::memset(bus, 0, static_cast<std::size_t>(frames) * out * sizeof(float));

  // Direct generators carried as one channel where they can be (mono_carriage.hpp). Not while any
  // compressor listens to another input: a sidechain reads interleaved frames.
  bool sidechains = false;
  for (std::uint32_t i = 0; i < inputCount_; ++i) sidechains = sidechains || inputs_[i]->dsp.sidechainId() != 0;

  // Every input pulled and through its front blocks first, so that any of them can be another's
  // sidechain this cycle; then compressors, faders and pans into the bus.
  for (std::uint32_t i = 0; i < inputCount_; ++i) {
    InputRt& in = *inputs_[i];
    if (in.direct) {
      if (!in.steady || sidechains) {
        unsteady(in);
        in.mono = !sidechains && monoEligible(in);
      }
      in.direct->renderDirect(in.buffer, frames, in.mono);
      if (in.mono) {
        keepMonoTail(in, frames);
        if (!in.steady) frontOfMono(in.dsp, in.buffer, frames);
        continue;
      }
    } else {
      unsteady(in);  // it left direct mode
      in.mono = false;
      if (in.duplex) feedDuplex(in, deviceIn, deviceInChannels, frames, scratch_);
      const PullOutcome pulled = pullInput(in, in.buffer, frames, config_.periodFrames, master);
      if (pulled.resynced) links_.events.tryPush(Event{EventType::Resync, in.id, stats_.frames(), pulled.errorFrames});
    }
    in.dsp.processFront(in.buffer, frames);
  }
  for (std::uint32_t i = 0; i < inputCount_; ++i) {
    InputRt& in = *inputs_[i];
    if (!in.steady) {  // steady: bypassed, and its bypass already noted
      const InputRt* side = sidechainOf(in);
      in.dsp.processCompressor(in.buffer, side ? side->buffer : nullptr, side ? side->channels : 0, frames);
    }
    // Both meters read the post-fader signal; the peak programme meter's pass measures it for both.
    if (in.mono) {  // mixed and metered in one pass (mono_fuse.hpp)
      MonoLevels levels;
      mixAndMeterMono(in.strip, in.ppm, in.buffer, bus, frames, levels);
      in.meter.addBlockSame(levels.peak, levels.sumSq, in.channels, frames);
      in.steady = true;
      continue;
    }
    PeakProgrammeMeter::BlockLevels levels;
    in.strip.process(in.buffer, bus, frames);
    in.ppm.add(in.buffer, frames, &levels);
    in.meter.addBlock(levels, in.channels, frames);
  }

  if (!masterGain_.settled()) {
    for (std::uint32_t f = 0; f < frames; ++f) {
      const float g = masterGain_.next();
      for (std::uint32_t o = 0; o < out; ++o) bus[f * out + o] *= g;
    }
  } else if (const float g = masterGain_.current(); g != 1.0f) {
    for (std::size_t i = 0; i < static_cast<std::size_t>(frames) * out; ++i) bus[i] *= g;
  }
  // EQ, compressor, limiter; loudness and the peak programme meter read what leaves it.
  masterDsp_.process(bus, frames);
  masterMeter_.beginBlock();
  masterMeter_.addFrames(bus, frames, out);
  masterMeter_.commitBlock(frames);

  // Consumers get the float mix as it is; a device gets it clipped (see clip.hpp).
  links_.output.write(bus, static_cast<std::size_t>(frames) * out);
  stamp_.publish({timeNs, stats_.frames() + frames, breaks_});
  std::uint64_t clipped = 0;
  if (deviceOut) {
    std::memcpy(deviceOut, bus, static_cast<std::size_t>(frames) * out * sizeof(float));
    clipped = clipToUnit(deviceOut, static_cast<std::size_t>(frames) * out);
  }
  const double cycleUs = static_cast<double>(platform::nowNs() - t0) / 1e3;
  stats_.record(frames, cycleUs, lateNs);
  // At the metrics' rate, not every cycle: building the snapshot reads every meter's window.
  unpublishedFrames_ += frames;
  if (periodic_ && unpublishedFrames_ >= publishFrames_) publishMetrics();
  return clipped;
}

// The input whose signal drives `in`'s compressor, if another one (a linear search: at most
// kMaxInputs, and only for a compressor with a sidechain).
const InputRt* MixCycle::sidechainOf(const InputRt& in) const noexcept {
  const std::uint32_t id = in.dsp.sidechainId();
  if (id == 0 || id == in.id) return nullptr;
  for (std::uint32_t i = 0; i < inputCount_; ++i)
    if (inputs_[i]->id == id) return inputs_[i];
  return nullptr;  // removed: the compressor listens to its own input again
}

void MixCycle::noteXrun(std::int64_t overNs) noexcept {
  stats_.noteXrun();
  links_.events.tryPush(Event{EventType::Xrun, 0, stats_.frames(), static_cast<double>(overNs) / 1e3});
}

void MixCycle::noteSkipped(std::uint64_t cycles) noexcept {
  stats_.noteSkipped(cycles);
  noteClockBreak();
  links_.events.tryPush(Event{EventType::Skipped, 0, stats_.frames(), static_cast<double>(cycles)});
}

}  // namespace ringmix::engine
