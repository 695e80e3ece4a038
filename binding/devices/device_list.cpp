#include "device_list.hpp"

#include "portaudio_api.hpp"

namespace ringmix::devices {

#if RINGMIX_HAVE_PORTAUDIO
std::vector<DeviceInfo> listDevices() {
  const PortAudioApi& pa = portAudio();
  std::vector<DeviceInfo> out;
  const PaDeviceIndex n = pa.GetDeviceCount();
  pa.check(n, "listing devices");
  const PaDeviceIndex defIn = pa.GetDefaultInputDevice();
  const PaDeviceIndex defOut = pa.GetDefaultOutputDevice();
  for (PaDeviceIndex i = 0; i < n; ++i) {
    const PaDeviceInfo* d = pa.GetDeviceInfo(i);
    if (!d) continue;
    const PaHostApiInfo* h = pa.GetHostApiInfo(d->hostApi);
    out.push_back(DeviceInfo{i, d->name ? d->name : "", h && h->name ? h->name : "",
                             d->maxInputChannels, d->maxOutputChannels, d->defaultSampleRate,
                             d->defaultLowInputLatency, d->defaultLowOutputLatency, i == defIn,
                             i == defOut});
  }
  return out;
}

std::vector<std::string> listHostApis() {
  const PortAudioApi& pa = portAudio();
  std::vector<std::string> out;
  const PaHostApiIndex n = pa.GetHostApiCount();
  pa.check(n, "listing host APIs");
  for (PaHostApiIndex i = 0; i < n; ++i) {
    const PaHostApiInfo* h = pa.GetHostApiInfo(i);
    out.push_back(h && h->name ? h->name : "");
  }
  return out;
}
#else
std::vector<DeviceInfo> listDevices() { throw NoBackendError(portAudioUnavailableReason()); }
std::vector<std::string> listHostApis() { throw NoBackendError(portAudioUnavailableReason()); }
#endif

}  // namespace ringmix::devices
