// The audio devices the backend sees, as plain data, cached: PortAudio enumerates devices (and
// connects to servers such as JACK) only when it initialises, which takes from a tenth of a second
// to seconds, so the list is read once and re-read only when asked (rescan).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ringmix::devices {

struct DeviceInfo {
  int index;
  std::string name;
  std::string hostApi;
  int maxInputChannels;
  int maxOutputChannels;
  double defaultSampleRate;
  double defaultLowInputLatency;   // seconds
  double defaultLowOutputLatency;  // seconds
  bool isDefaultInput;
  bool isDefaultOutput;
};

struct DeviceList {
  std::vector<DeviceInfo> devices;
  std::vector<std::string> hostApis;
  std::uint64_t generation = 0;  // bumped by every successful rescan
  bool rescanned = false;        // whether this call re-initialised the backend
};

// A device as a caller resolved it from a list: opening checks (under the backend's lock) that
// the index still names this device, and looks it up by name and host API if not.
struct DeviceRef {
  int index = -1;
  std::string name;
  std::string hostApi;
};

// The cached list (loaded on first use). With rescan, the backend is re-initialised first when no
// stream is open anywhere in the process (otherwise the cached list is kept: `rescanned` is false).
// Blocking; any thread. Throws NoBackendError.
DeviceList deviceList(bool rescan);

// Whether a device backend can be loaded here (never throws), and why not.
bool backendAvailable() noexcept;
std::string backendUnavailableReason();

}  // namespace ringmix::devices
