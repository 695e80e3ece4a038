// PortAudio, loaded at run time. The addon must load (and everything without a device must work)
// on a machine without libportaudio, so nothing links against it: the first device call loads
// it (libportaudio.so.2 on Linux; platform/dynamic_library.hpp has each system's names) and
// resolves the functions below. Only the PortAudio build compiles this file
// (CMake finds portaudio.h); devices/no_backend.cpp stands in for the device layer otherwise.
#pragma once

#include <portaudio.h>

#include <mutex>
#include <string>

namespace ringmix::devices {

struct PortAudioApi {
  decltype(&Pa_Initialize) Initialize;
  decltype(&Pa_Terminate) Terminate;
  decltype(&Pa_GetErrorText) GetErrorText;
  decltype(&Pa_GetHostApiCount) GetHostApiCount;
  decltype(&Pa_GetHostApiInfo) GetHostApiInfo;
  decltype(&Pa_HostApiTypeIdToHostApiIndex) HostApiTypeIdToHostApiIndex;
  decltype(&Pa_GetDeviceCount) GetDeviceCount;
  decltype(&Pa_GetDeviceInfo) GetDeviceInfo;
  decltype(&Pa_GetDefaultInputDevice) GetDefaultInputDevice;
  decltype(&Pa_GetDefaultOutputDevice) GetDefaultOutputDevice;
  decltype(&Pa_OpenStream) OpenStream;
  decltype(&Pa_CloseStream) CloseStream;
  decltype(&Pa_SetStreamFinishedCallback) SetStreamFinishedCallback;
  decltype(&Pa_StartStream) StartStream;
  decltype(&Pa_AbortStream) AbortStream;
  decltype(&Pa_GetStreamInfo) GetStreamInfo;
  // Optional (JACK host API only): names our JACK client so tests can connect its ports.
  PaError (*JackSetClientName)(const char*);

  // Throws DeviceError with PortAudio's message when err is an error.
  void check(PaError err, const std::string& what) const;
};

// PortAudio is not thread-safe, and mixers in several workers share one process-wide PortAudio:
// every call into it (enumeration, device info, open, start, abort, close, re-initialisation)
// holds this lock. Never taken on a real-time thread.
std::unique_lock<std::mutex> lockPortAudio();

// Loads and initialises PortAudio once per process (thread-safe). Throws NoBackendError when the
// library is missing or fails to initialise. Call with the lock held.
const PortAudioApi& portAudio();

// Streams open in this process: PortAudio can only be re-initialised (to rescan) when none are.
// Changed with the lock held.
int& openStreamCount();

}  // namespace ringmix::devices
