// Engine: building, changing, feeding and removing inputs.
#include <algorithm>
#include <cmath>

#include "devices/device_errors.hpp"
#include "engine.hpp"
#include "engine/control/resampler_tables.hpp"
#include "platform/clock.hpp"

namespace ringmix::engine {

namespace {

std::uint32_t nextPow2(std::uint32_t f) {
  std::uint32_t p = 1;
  while (p < f) p <<= 1;
  return p;
}

// Channels to open on a capture device: enough to include every selected one, and at least two
// where the device has them, because a server asked for fewer channels than it has (PulseAudio,
// for one) downmixes them, which would change the level of the channel we want.
std::uint32_t openChannels(const devices::DeviceRef& ref, const std::vector<std::uint32_t>& channelMap) {
  std::uint32_t n = *std::max_element(channelMap.begin(), channelMap.end()) + 1;
  for (const auto& d : devices::deviceList(false).devices)
    if (d.index == ref.index && d.name == ref.name) n = std::max<std::uint32_t>(n, std::min(2, d.maxInputChannels));
  return n;
}

// The range drift compensation may steer a resampler over (±5000 ppm: far beyond any crystal).
constexpr double kMaxSkew = 0.005;

}  // namespace

Input& Engine::input(std::uint32_t id) const {
  auto it = inputs_.find(id);
  if (it == inputs_.end()) throw NoSuchInputError{};
  return *it->second;
}

std::uint32_t Engine::addInput(const InputSpec& spec) {
  service();
  if (inputs_.size() >= kMaxInputs) throw TooManyInputsError{};
  if (outbox_.full()) throw QueueFullError{};
  const std::uint32_t period = config_.periodFrames;
  const bool generator = spec.kind == InputSpec::Kind::Generator;
  const bool device = spec.kind == InputSpec::Kind::Device;
  const std::uint32_t channels = generator ? config_.channels
                                 : device  ? static_cast<std::uint32_t>(spec.deviceChannels.size())
                                           : spec.channels;
  const std::uint32_t rate = device && spec.deviceRate ? spec.deviceRate : config_.sampleRate;
  // Jitter buffer: a device (virtual or real) delivers on its own clock, up to a period out of
  // phase with the master, so the mix waits for two periods; a push input starts once a period is
  // there. A device master clock may call back in bursts (a sound server delivering its buffer at
  // once), so a virtual device then waits for four; a capture device's own buffering is added below.
  const auto devicePeriod = static_cast<std::uint32_t>(std::ceil(static_cast<double>(period) * rate / config_.sampleRate));
  const std::uint32_t prime = device                                    ? 2 * devicePeriod
                              : generator && mode_ == ClockMode::Device  ? 4 * period
                              : generator && mode_ == ClockMode::Virtual ? 2 * period
                                                                         : period;
  // Drift compensation's target fill: the jitter buffer plus a device period of margin (producer
  // frames), or what the caller asked for, but never less than a period of each clock. A push
  // input's writes come in event-loop bursts: 50 ms by default. On the simulated clock a virtual
  // device delivers exactly on time, a period ahead: half a period is margin enough.
  const std::uint32_t minTarget = devicePeriod + period;
  std::uint32_t target = spec.kind == InputSpec::Kind::Push        ? std::max(4 * period, rate / 20)
                         : generator && mode_ == ClockMode::Simulated ? period / 2
                                                                      : prime + devicePeriod;
  if (spec.targetLatencyMs > 0)
    target = std::max(minTarget, static_cast<std::uint32_t>(std::lround(spec.targetLatencyMs * rate / 1000.0)));
  // Half a second of ring for anything that may deliver in bursts, stall or drift freely. A
  // compensated generator on the simulated clock produces in step with the mix and is held at its
  // target fill, re-synced past target + resyncFrames (below): four times that will do. Its ring is
  // walked through a period per cycle, and half a second of it (256 KB of stereo) per input left
  // the caches cold at a hundred inputs.
  const bool compensated = spec.compensateDrift.value_or(spec.kind != InputSpec::Kind::Push);
  const std::uint32_t floorFrames = generator && compensated && mode_ == ClockMode::Simulated
                                        ? 4 * std::max(rate / 50, 4 * devicePeriod)
                                        : rate / 2;
  const std::uint32_t ringFrames = nextPow2(std::max({8 * devicePeriod, floorFrames, 4 * target}));
  const std::uint32_t id = nextInputId_;
  auto in = std::make_unique<Input>(id, channels, ringFrames, spec.strip, spec.dsp);
  in->rt.primeFrames = prime;
  in->rt.trimWhenFull = device || generator;
  in->startFrame = simulatedFrames_;
  // An input on the master clock's own device, added while stopped, at the mixer's rate: it
  // becomes part of the clock's stream (duplex) and needs no buffering of its own.
  const bool duplex = device && mode_ == ClockMode::Device && !running_ &&
                      spec.device.index == clockSpec_.device.index && spec.device.name == clockSpec_.device.name &&
                      rate == config_.sampleRate &&
                      *std::max_element(spec.deviceChannels.begin(), spec.deviceChannels.end()) <
                          clockSpec_.deviceInputChannels;
  in->rt.compensate = !duplex && compensated;
  if (spec.kind == InputSpec::Kind::Push) {
    in->push = in->ring.producer();
  } else if (generator) {
    in->generator = std::make_unique<VirtualSource>(spec.generator, spec.clockPpm, config_.sampleRate, channels, period,
                                                    in->ring, in->stamp, 0x9E3779B97F4A7C15ull * id);
    in->rt.clockRelation.store(generatorClock(spec.clockPpm), std::memory_order_relaxed);
  } else if (duplex) {
    in->rt.duplex = true;
    for (std::size_t c = 0; c < spec.deviceChannels.size() && c < 2; ++c) in->rt.duplexMap[c] = spec.deviceChannels[c];
    in->rt.duplexFeed = in->ring.producer();
    in->rt.primeFrames = 0;
    in->rt.trimWhenFull = false;  // fed exactly what it is pulled
  } else {
    in->deviceRate = rate;
    in->capture = std::make_unique<CaptureSink>(in->ring, in->stamp, channels, spec.deviceChannels.data(),
                                                std::max<std::uint32_t>(devicePeriod, 256));
    devices::StreamConfig c;
    c.device = spec.device;
    c.sampleRate = rate;
    c.inputChannels = static_cast<int>(openChannels(spec.device, spec.deviceChannels));
    c.framesPerBuffer = devicePeriod;
    c.label = spec.label;
    in->stream = devices::openStream(c, &CaptureSink::onBuffers, in->capture.get());
    // The device delivers in bursts up to its own latency: buffer that on top of a period.
    const auto latencyFrames = static_cast<std::uint32_t>(std::ceil(in->stream->inputLatency() * rate));
    in->rt.primeFrames = std::min(std::max(prime, latencyFrames + devicePeriod), ringFrames / 2);
    if (spec.targetLatencyMs <= 0) target = std::max(target, in->rt.primeFrames + devicePeriod);
    if (running_) in->stream->start();
  }
  // Everything on a clock of its own is measured (its skew and latency show in the metrics);
  // compensated ones are steered through a resampler, which also converts a device's rate.
  if (!duplex && (in->rt.compensate || spec.kind != InputSpec::Kind::Push)) {
    in->rt.stamp = &in->stamp;
    DriftSettings d;
    d.producerRate = rate;
    d.consumerRate = config_.sampleRate;
    d.targetFrames = std::min(target, ringFrames / 4);
    d.resyncFrames = std::max({d.targetFrames, 4.0 * devicePeriod, rate * 0.02});
    d.maxSkew = kMaxSkew;
    in->rt.drift.configure(d);
    // Primed with what the first pull takes (a period, and the resampler's half window) on top,
    // so that the fill the loop first sees, and holds, is the target.
    if (in->rt.compensate)
      in->rt.primeFrames = static_cast<std::uint32_t>(d.targetFrames) + devicePeriod + Resampler::kTaps / 2;
  }
  if (in->rt.compensate || rate != config_.sampleRate) {
    in->resampler = std::make_unique<Resampler>(channels, rate, config_.sampleRate, in->rt.compensate ? kMaxSkew : 0.0,
                                                 sharedResamplerTable(rate, config_.sampleRate, in->rt.compensate ? kMaxSkew : 0.0));
    in->rt.resampler = in->resampler.get();
  }
  // A generator on the simulated clock's own clock: rendered by the cycle, on the time line its
  // ring would give (prime and first pull leave it targetFrames + 1 full, see pullInput()).
  static_assert(VirtualSource::kDelay == Resampler::kTaps / 2);
  if (generator && mode_ == ClockMode::Simulated) {
    const auto fill = static_cast<std::uint32_t>(in->rt.drift.settings().targetFrames) + 1;
    const std::int64_t offset = static_cast<std::int64_t>(period) - fill - VirtualSource::kDelay;
    in->generator->alignSine(offset);
    if (config_.directGenerators && in->rt.compensate &&
        in->rt.clockRelation.load(std::memory_order_relaxed) == InputRt::ClockRelation::Same) {
      in->generator->enableDirect(offset, fill);
      in->rt.direct = in->generator.get();
    }
  }
  // Everything that can fail is done: hand it over.
  if (in->generator && mode_ != ClockMode::Simulated) {
    host_.attach(in->generator.get());
    in->onHost = true;
  }
  ++nextInputId_;
  Input* raw = in.get();
  inputs_.emplace(id, std::move(in));
  if (raw->generator && mode_ == ClockMode::Simulated) {
    (raw->rt.direct ? directGenerators_ : simulatedGenerators_).push_back(raw);
    // Room for every direct one to join the others (leaveDirectSkewed(), in the cycle's loop).
    simulatedGenerators_.reserve(simulatedGenerators_.size() + directGenerators_.size());
  }
  if (running_ && raw->onHost) startHost();
  send(Command{CommandType::AddInput, id, &raw->rt});  // cannot fail: room was checked above
  return id;
}

void Engine::removeInput(std::uint32_t id) {
  service();
  auto it = inputs_.find(id);
  if (it == inputs_.end()) throw NoSuchInputError{};
  if (outbox_.full()) throw QueueFullError{};  // before changing anything: the input stays
  std::unique_ptr<Input> in = std::move(it->second);
  inputs_.erase(it);
  std::erase(simulatedGenerators_, in.get());
  std::erase(directGenerators_, in.get());
  // Its producer lets go first: a capture callback can no longer reach it once detached (the
  // stream itself is stopped and closed in the background), the host stops ticking it after a pass.
  if (in->stream) {
    in->stream->detach();
    devices::retireStream(std::move(in->stream));
  }
  if (in->onHost) in->hostTicket = host_.detach(in->generator.get());
  watchdog_.forget(StreamKind::Input, id);
  retiring_.push_back(std::move(in));
  send(Command{CommandType::RemoveInput, id, nullptr});
}

std::uint32_t Engine::inputChannels(std::uint32_t id) const { return input(id).channels(); }
bool Engine::isPushInput(std::uint32_t id) const { return static_cast<bool>(input(id).push); }

void Engine::setStrip(std::uint32_t id, StripParam param, double value) {
  Input& in = input(id);
  StripParams p = in.controls.load();
  switch (param) {
    case StripParam::GainDb: p.gainDb = value; break;
    case StripParam::Pan: p.pan = value; break;
    case StripParam::Muted: p.muted = value != 0; break;
    case StripParam::Solo: p.solo = value != 0; break;
  }
  in.controls.store(p);
  master_.noteInputControls();
  service();
}

bool Engine::setClockPpm(std::uint32_t id, double ppm) {
  Input& in = input(id);
  if (!in.generator) return false;
  in.generator->setClockPpm(ppm);
  in.rt.clockRelation.store(generatorClock(ppm), std::memory_order_relaxed);
  if (in.rt.direct && generatorClock(ppm) != InputRt::ClockRelation::Same) directSkewed_ = true;  // advance() takes it off
  return true;
}

void Engine::setMasterGainDb(double db) {
  master_.setGainDb(db);
  service();
}

void Engine::setInputDsp(std::uint32_t id, const InputDspParams& params) {
  input(id).dspControls.store(params);
  master_.noteInputControls();
  service();
}

InputDspParams Engine::inputDsp(std::uint32_t id) const { return input(id).dspControls.current(); }

void Engine::setMasterDsp(const MasterDspParams& params) {
  masterDsp_.store(params);
  service();
}

void Engine::resetLoudness() {
  master_.resetLoudness();
  service();
}

std::size_t Engine::writeInput(std::uint32_t id, const float* data, std::size_t frames) {
  Input& in = input(id);
  if (!in.push) return 0;
  const std::uint32_t ch = in.channels();
  const std::size_t done = in.push.tryPush(data, frames * ch, ch) / ch;
  in.pushedFrames += done;
  // A compensated push input's clock is the pace of its writes.
  if (in.rt.stamp && done > 0)
    in.stamp.publish({mode_ == ClockMode::Simulated ? simulatedNs() : platform::nowNs(), in.pushedFrames});
  return done;
}

std::size_t Engine::inputWritableFrames(std::uint32_t id) {
  Input& in = input(id);
  if (!in.push) return 0;
  return in.push.writeAvailable() / in.channels();
}

}  // namespace ringmix::engine
