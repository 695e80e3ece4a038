// The audio devices PortAudio sees, as plain data for JS (listDevices()).
#pragma once

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

// Throws NoBackendError without PortAudio.
std::vector<DeviceInfo> listDevices();
std::vector<std::string> listHostApis();

}  // namespace ringmix::devices
