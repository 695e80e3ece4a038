// deviceList() for the PortAudio build: enumeration under the PortAudio lock, cached.
#include <mutex>

#include "devices/device_list.hpp"
#include "devices/jack_probe.hpp"
#include "devices/portaudio_library.hpp"

namespace ringmix::devices {

namespace {

std::mutex g_cacheLock;  // guards the cache only: reading it never waits for PortAudio
DeviceList g_cache;
bool g_cached = false;

// With the PortAudio lock held.
DeviceList enumerate(const PortAudioApi& pa) {
  DeviceList out;
  const PaDeviceIndex n = pa.GetDeviceCount();
  pa.check(n, "listing devices");
  const PaDeviceIndex defIn = pa.GetDefaultInputDevice();
  const PaDeviceIndex defOut = pa.GetDefaultOutputDevice();
  for (PaDeviceIndex i = 0; i < n; ++i) {
    const PaDeviceInfo* d = pa.GetDeviceInfo(i);
    if (!d) continue;
    const PaHostApiInfo* h = pa.GetHostApiInfo(d->hostApi);
    out.devices.push_back(DeviceInfo{i, d->name ? d->name : "", h && h->name ? h->name : "", d->maxInputChannels,
                                     d->maxOutputChannels, d->defaultSampleRate, d->defaultLowInputLatency,
                                     d->defaultLowOutputLatency, i == defIn, i == defOut});
  }
  const PaHostApiIndex apis = pa.GetHostApiCount();
  pa.check(apis, "listing host APIs");
  for (PaHostApiIndex i = 0; i < apis; ++i) {
    const PaHostApiInfo* h = pa.GetHostApiInfo(i);
    out.hostApis.push_back(h && h->name ? h->name : "");
  }
  return out;
}

// PortAudio scans devices (and connects to servers) only when it initialises: re-initialise, when
// no stream is open in the process. Not after the JACK server died: Debian's PortAudio aborts the
// process when terminated in that state. With the PortAudio lock held.
bool reinitialise(const PortAudioApi& pa) {
  if (openStreamCount() != 0) return false;
  if (pa.HostApiTypeIdToHostApiIndex(paJACK) >= 0 && jackServerGone()) return false;
  pa.Terminate();
  pa.check(pa.Initialize(), "re-initialising PortAudio");
  return true;
}

}  // namespace

DeviceList deviceList(bool rescan) {
  {
    std::lock_guard<std::mutex> cache(g_cacheLock);
    if (g_cached && !rescan) return g_cache;
  }
  auto lock = lockPortAudio();
  const PortAudioApi& pa = portAudio();
  const bool rescanned = rescan && reinitialise(pa);
  DeviceList list = enumerate(pa);
  std::lock_guard<std::mutex> cache(g_cacheLock);
  list.generation = g_cache.generation + (rescanned ? 1 : 0);
  g_cache = list;
  g_cached = true;
  list.rescanned = rescanned;
  return list;
}

}  // namespace ringmix::devices
