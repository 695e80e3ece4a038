// Engine: extra output devices playing the mix (readers of the broadcast ring on their own clock).
#include <algorithm>
#include <cmath>

#include "devices/device_errors.hpp"
#include "engine.hpp"
#include "engine/control/resampler_tables.hpp"

namespace ringmix::engine {

std::uint32_t Engine::addOutput(const devices::DeviceRef& device, std::uint32_t deviceChannels,
                                std::uint32_t deviceRate, const std::string& label, const OutputDriftSpec& drift) {
  service();
  const std::uint32_t rate = deviceRate ? deviceRate : config_.sampleRate;
  const std::uint32_t period = config_.periodFrames;
  const bool compensate = drift.compensateDrift.value_or(true);
  OutputRecord rec;
  std::unique_ptr<Resampler> resampler;
  if (compensate || rate != config_.sampleRate)
    resampler = std::make_unique<Resampler>(config_.channels, config_.sampleRate, rate, compensate ? 0.005 : 0.0,
                                             sharedResamplerTable(config_.sampleRate, rate, compensate ? 0.005 : 0.0));
  // Primes (and resumes after a dropout) two periods behind the mix. Compensated: the target lag
  // (mix frames) is those two periods plus one of the device's (its buffers in mix frames), or
  // what was asked, and it primes a device buffer and the resampler's half window above it.
  std::uint32_t prime = 2 * period;
  PlaybackDrift pd;
  if (compensate) {
    const auto devicePeriod = static_cast<std::uint32_t>(std::ceil(static_cast<double>(period) * config_.sampleRate / rate));
    double target = 2.0 * period + devicePeriod;
    if (drift.targetLatencyMs > 0)
      target = std::max<double>(period + devicePeriod, std::round(drift.targetLatencyMs * config_.sampleRate / 1000.0));
    target = std::min<double>(target, config_.outputRingFrames / 4.0);
    pd.mixStamp = &cycle_.stamp();
    pd.settings.producerRate = config_.sampleRate;
    pd.settings.consumerRate = rate;
    pd.settings.targetFrames = target;
    pd.settings.resyncFrames = std::max({target, 4.0 * devicePeriod, config_.sampleRate * 0.02});
    pd.settings.maxSkew = 0.005;
    // A device callback is irregular (servers call back in bursts): steer on the averaged lag.
    pd.settings.averageFill = true;
    prime = static_cast<std::uint32_t>(target) + devicePeriod + Resampler::kTaps / 2;
  }
  rec.source = std::make_unique<PlaybackSource>(output_, config_.channels, prime, std::move(resampler),
                                                kMaxPeriodFrames, pd);
  devices::StreamConfig c;
  c.device = device;
  c.sampleRate = rate;
  c.outputChannels = static_cast<int>(deviceChannels);
  c.framesPerBuffer = config_.periodFrames;
  c.label = label;
  rec.stream = devices::openStream(c, &PlaybackSource::onBuffers, rec.source.get());
  if (running_) rec.stream->start();
  const std::uint32_t id = newConsumerId();
  outputs_.emplace(id, std::move(rec));
  return id;
}

void Engine::removeOutput(std::uint32_t id) {
  auto it = outputs_.find(id);
  if (it == outputs_.end()) throw NoSuchInputError{};
  it->second.stream->detach();  // its callback no longer reaches the source, which is freed below
  devices::retireStream(std::move(it->second.stream));
  outputs_.erase(it);
  watchdog_.forget(StreamKind::Output, id);
  service();
}

}  // namespace ringmix::engine
