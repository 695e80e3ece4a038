#include "capture_device.hpp"

#if RINGMIX_HAVE_PORTAUDIO
#include <algorithm>

#include "engine/rt_hooks.hpp"

namespace ringmix::devices {

namespace {
// Channels to open: enough to include every selected one, and at least two where the device has
// them, because a server asked for fewer channels than it has (PulseAudio, for one) downmixes
// them, which would change the level of the channel we want.
std::uint32_t openChannels(int deviceIndex, const std::vector<std::uint32_t>& channelMap) {
  std::uint32_t n = *std::max_element(channelMap.begin(), channelMap.end()) + 1;
  if (const PaDeviceInfo* info = portAudio().GetDeviceInfo(deviceIndex))
    n = std::max<std::uint32_t>(n, std::min(2, info->maxInputChannels));
  return n;
}
}  // namespace

CaptureDevice::CaptureDevice(int deviceIndex, double sampleRate,
                             const std::vector<std::uint32_t>& channelMap,
                             std::uint32_t framesPerBuffer, rt::SpscRing<float>& ring,
                             const std::string& label)
    : shared_(ring, openChannels(deviceIndex, channelMap), static_cast<std::uint32_t>(channelMap.size()),
              channelMap.data(), std::max<std::uint32_t>(framesPerBuffer, 256)) {
  PortAudioStream::Config c;
  c.device = deviceIndex;
  c.sampleRate = sampleRate;
  c.inputChannels = static_cast<int>(shared_.deviceChannels);
  c.framesPerBuffer = framesPerBuffer;
  c.label = label;
  stream_ = std::make_unique<PortAudioStream>(c, &CaptureDevice::onAudio, this);
}

int CaptureDevice::onAudio(const void* in, void*, unsigned long frames, const PaStreamCallbackTimeInfo*,
                           PaStreamCallbackFlags flags, void* self) {
  engine::RtScope rt;
  auto* d = static_cast<CaptureDevice*>(self);
  engine::captureInto(d->shared_, static_cast<const float*>(in), frames, (flags & paInputOverflow) != 0);
  return paContinue;
}

}  // namespace ringmix::devices
#endif
