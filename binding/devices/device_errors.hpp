// Errors of the device layer (thrown on control threads only; the addon turns each into a coded
// JS error).
#pragma once

#include <stdexcept>

namespace ringmix::devices {

// No audio backend: PortAudio is not installed, or this build has no device support. The message
// says what to install.
struct NoBackendError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A PortAudio call failed; the message carries PortAudio's own text.
struct DeviceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The device a caller resolved is no longer in the device list (it went away, or a rescan in
// another thread changed the list between resolving and opening).
struct DeviceNotFoundError : DeviceError {
  using DeviceError::DeviceError;
};

}  // namespace ringmix::devices
