#include "playback_device.hpp"

#if RINGMIX_HAVE_PORTAUDIO
#include "engine/rt_hooks.hpp"

namespace ringmix::devices {

namespace {
std::unique_ptr<engine::Resampler> resamplerFor(std::uint32_t channels, std::uint32_t from, std::uint32_t to) {
  if (from == to) return nullptr;
  return std::make_unique<engine::Resampler>(channels, from, to);
}
}  // namespace

PlaybackDevice::PlaybackDevice(int deviceIndex, std::uint32_t deviceChannels, std::uint32_t deviceRate,
                               std::uint32_t mixRate, std::uint32_t mixChannels,
                               std::uint32_t periodFrames, rt::SpmcRing<float>& ring,
                               const std::string& label)
    // Resume two periods behind the mix after a dropout; prime with two periods at first.
    : shared_(ring.reader(2 * periodFrames * mixChannels), mixChannels, deviceChannels,
              resamplerFor(mixChannels, mixRate, deviceRate), 4096, 2 * periodFrames) {
  PortAudioStream::Config c;
  c.device = deviceIndex;
  c.sampleRate = deviceRate;
  c.outputChannels = static_cast<int>(deviceChannels);
  c.framesPerBuffer = periodFrames;
  c.label = label;
  stream_ = std::make_unique<PortAudioStream>(c, &PlaybackDevice::onAudio, this);
}

int PlaybackDevice::onAudio(const void*, void* out, unsigned long frames, const PaStreamCallbackTimeInfo*,
                            PaStreamCallbackFlags flags, void* self) {
  engine::RtScope rt;
  auto* d = static_cast<PlaybackDevice*>(self);
  engine::playbackInto(d->shared_, static_cast<float*>(out), frames, (flags & paOutputUnderflow) != 0);
  return paContinue;
}

}  // namespace ringmix::devices
#endif
