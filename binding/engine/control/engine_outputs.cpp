// Engine: extra output devices playing the mix (readers of the broadcast ring on their own clock).
#include "devices/device_errors.hpp"
#include "engine.hpp"

namespace ringmix::engine {

std::uint32_t Engine::addOutput(const devices::DeviceRef& device, std::uint32_t deviceChannels,
                                std::uint32_t deviceRate, const std::string& label) {
  service();
  const std::uint32_t rate = deviceRate ? deviceRate : config_.sampleRate;
  OutputRecord rec;
  std::unique_ptr<Resampler> resampler;
  if (rate != config_.sampleRate) resampler = std::make_unique<Resampler>(config_.channels, config_.sampleRate, rate);
  // Primes (and resumes after a dropout) two periods behind the mix.
  rec.source = std::make_unique<PlaybackSource>(output_, config_.channels, 2 * config_.periodFrames,
                                                std::move(resampler), kMaxPeriodFrames);
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
