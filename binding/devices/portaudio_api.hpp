// PortAudio, loaded at run time. The addon must load (and everything without a device must work)
// on a machine without libportaudio, so nothing links against it: the first device call dlopens
// libportaudio.so.2 and resolves the functions below. Types come from the header at build time
// (Debian portaudio19-dev); without the header the addon builds without device support.
#pragma once

#if __has_include(<portaudio.h>)
#define RINGMIX_HAVE_PORTAUDIO 1
#include <portaudio.h>
#else
#define RINGMIX_HAVE_PORTAUDIO 0
#endif

#include <mutex>
#include <stdexcept>
#include <string>

namespace ringmix::devices {

// Thrown (on the JS thread) when PortAudio cannot be loaded; the message says what to install.
struct NoBackendError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A PortAudio call failed; the message carries PortAudio's own text.
struct DeviceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

#if RINGMIX_HAVE_PORTAUDIO
struct PortAudioApi {
  decltype(&Pa_Initialize) Initialize;
  decltype(&Pa_Terminate) Terminate;
  decltype(&Pa_GetErrorText) GetErrorText;
  decltype(&Pa_GetVersionText) GetVersionText;
  decltype(&Pa_GetHostApiCount) GetHostApiCount;
  decltype(&Pa_GetHostApiInfo) GetHostApiInfo;
  decltype(&Pa_HostApiTypeIdToHostApiIndex) HostApiTypeIdToHostApiIndex;
  decltype(&Pa_GetDeviceCount) GetDeviceCount;
  decltype(&Pa_GetDeviceInfo) GetDeviceInfo;
  decltype(&Pa_GetDefaultInputDevice) GetDefaultInputDevice;
  decltype(&Pa_GetDefaultOutputDevice) GetDefaultOutputDevice;
  decltype(&Pa_IsFormatSupported) IsFormatSupported;
  decltype(&Pa_OpenStream) OpenStream;
  decltype(&Pa_CloseStream) CloseStream;
  decltype(&Pa_SetStreamFinishedCallback) SetStreamFinishedCallback;
  decltype(&Pa_StartStream) StartStream;
  decltype(&Pa_StopStream) StopStream;
  decltype(&Pa_AbortStream) AbortStream;
  decltype(&Pa_IsStreamActive) IsStreamActive;
  decltype(&Pa_GetStreamInfo) GetStreamInfo;
  // Optional (JACK host API only): names our JACK client so tests can connect its ports.
  PaError (*JackSetClientName)(const char*);

  // Throws DeviceError with PortAudio's message when err is an error.
  void check(PaError err, const std::string& what) const;
};

// Loads PortAudio and initialises it once per process (JS thread; thread-safe). Throws
// NoBackendError when the library is missing or fails to initialise.
const PortAudioApi& portAudio();

// PortAudio scans devices (and connects to servers such as JACK) only when it initialises. When no
// stream is open anywhere in the process, re-initialise so the list reflects devices and servers
// that appeared or went away since. Returns false when streams are open (the list is kept).
bool rescanDevices();

// PortAudio's control calls (open, close, start, stop, initialise) are not safe to make from
// several threads at once; mixers in different workers serialise them with this lock.
std::unique_lock<std::mutex> lockPortAudio();
#endif

// Whether a device backend can be loaded here (never throws).
bool portAudioAvailable() noexcept;
// Why not, when it cannot.
std::string portAudioUnavailableReason();

}  // namespace ringmix::devices
