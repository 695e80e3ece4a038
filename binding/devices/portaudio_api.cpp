#include "portaudio_api.hpp"

#include "portaudio_stream.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace ringmix::devices {

namespace {

constexpr const char* kInstallHint =
    "install PortAudio (Debian/Ubuntu: apt-get install libportaudio2) to use audio devices";

std::once_flag g_once;
std::string g_error;  // empty when loaded

#if RINGMIX_HAVE_PORTAUDIO
PortAudioApi g_api{};

template <class Fn>
bool resolve(void* lib, const char* name, Fn& out) {
  out = reinterpret_cast<Fn>(dlsym(lib, name));
  return out != nullptr;
}

void ignoreAlsaMessage(const char*, int, const char*, int, const char*, ...) {}

void ignoreJackMessage(const char*) {}

// ALSA and JACK print their probing failures (no sound card, no JACK server running) straight to
// stderr while PortAudio enumerates devices. Those are not errors of ours: PortAudio reports real
// failures through its return codes.
void quietDrivers() {
  if (void* alsa = dlopen("libasound.so.2", RTLD_NOW | RTLD_NOLOAD)) {
    using Handler = void (*)(const char*, int, const char*, int, const char*, ...);
    using SetHandler = int (*)(Handler);
    if (auto set = reinterpret_cast<SetHandler>(dlsym(alsa, "snd_lib_error_set_handler")))
      set(&ignoreAlsaMessage);
    dlclose(alsa);
  }
  if (void* jack = dlopen("libjack.so.0", RTLD_NOW | RTLD_NOLOAD)) {
    using SetFn = void (*)(void (*)(const char*));
    for (const char* name : {"jack_set_error_function", "jack_set_info_function"})
      if (auto set = reinterpret_cast<SetFn>(dlsym(jack, name))) set(&ignoreJackMessage);
    dlclose(jack);
  }
}

void load() {
  // RINGMIX_PORTAUDIO_LIBRARY names another build of PortAudio (or, in tests, a missing one).
  const char* override = std::getenv("RINGMIX_PORTAUDIO_LIBRARY");
  void* lib = nullptr;
  for (const char* name : {override, "libportaudio.so.2", "libportaudio.so"}) {
    if (name == nullptr) continue;
    lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib || override) break;
  }
  if (!lib) {
    g_error = std::string("PortAudio could not be loaded (") + dlerror() + "): " + kInstallHint;
    return;
  }
  quietDrivers();
  bool ok = resolve(lib, "Pa_Initialize", g_api.Initialize) &&
            resolve(lib, "Pa_Terminate", g_api.Terminate) &&
            resolve(lib, "Pa_GetErrorText", g_api.GetErrorText) &&
            resolve(lib, "Pa_GetVersionText", g_api.GetVersionText) &&
            resolve(lib, "Pa_GetHostApiCount", g_api.GetHostApiCount) &&
            resolve(lib, "Pa_GetHostApiInfo", g_api.GetHostApiInfo) &&
            resolve(lib, "Pa_HostApiTypeIdToHostApiIndex", g_api.HostApiTypeIdToHostApiIndex) &&
            resolve(lib, "Pa_GetDeviceCount", g_api.GetDeviceCount) &&
            resolve(lib, "Pa_GetDeviceInfo", g_api.GetDeviceInfo) &&
            resolve(lib, "Pa_GetDefaultInputDevice", g_api.GetDefaultInputDevice) &&
            resolve(lib, "Pa_GetDefaultOutputDevice", g_api.GetDefaultOutputDevice) &&
            resolve(lib, "Pa_IsFormatSupported", g_api.IsFormatSupported) &&
            resolve(lib, "Pa_OpenStream", g_api.OpenStream) &&
            resolve(lib, "Pa_CloseStream", g_api.CloseStream) &&
            resolve(lib, "Pa_SetStreamFinishedCallback", g_api.SetStreamFinishedCallback) &&
            resolve(lib, "Pa_StartStream", g_api.StartStream) &&
            resolve(lib, "Pa_StopStream", g_api.StopStream) &&
            resolve(lib, "Pa_AbortStream", g_api.AbortStream) &&
            resolve(lib, "Pa_IsStreamActive", g_api.IsStreamActive) &&
            resolve(lib, "Pa_GetStreamInfo", g_api.GetStreamInfo);
  if (!ok) {
    g_error = std::string("the PortAudio library found is incomplete: ") + kInstallHint;
    return;
  }
  resolve(lib, "PaJack_SetClientName", g_api.JackSetClientName);  // optional
  if (g_api.JackSetClientName) g_api.JackSetClientName("ringmix");
  const PaError err = g_api.Initialize();
  if (err != paNoError) {
    g_error = std::string("PortAudio failed to initialise: ") + g_api.GetErrorText(err);
    return;
  }
  // Kept initialised for the life of the process: terminating would invalidate device indices
  // other mixers (in other workers) hold.
}
#else
void load() { g_error = std::string("this build of ringmix has no device support: ") + kInstallHint; }
#endif

void ensureLoaded() { std::call_once(g_once, load); }

}  // namespace

#if RINGMIX_HAVE_PORTAUDIO
namespace {
std::mutex g_controlMutex;
}

std::unique_lock<std::mutex> lockPortAudio() { return std::unique_lock<std::mutex>(g_controlMutex); }

// Whether PortAudio's JACK host API is connected to a server that has since gone away. PortAudio
// (as Debian builds it, with assertions) aborts the process if it is terminated in that state,
// so such a process keeps its device list instead of rescanning.
bool jackServerGone(const PortAudioApi& pa) {
  if (pa.HostApiTypeIdToHostApiIndex(paJACK) < 0) return false;
  void* jack = dlopen("libjack.so.0", RTLD_NOW | RTLD_NOLOAD);
  if (!jack) return false;
  using Open = void* (*)(const char*, int, int*, ...);
  using Close = int (*)(void*);
  auto open = reinterpret_cast<Open>(dlsym(jack, "jack_client_open"));
  auto close = reinterpret_cast<Close>(dlsym(jack, "jack_client_close"));
  bool gone = false;
  if (open && close) {
    int status = 0;
    void* probe = open("ringmix-probe", /*JackNoStartServer*/ 0x01, &status);
    gone = probe == nullptr;
    if (probe) close(probe);
  }
  dlclose(jack);
  return gone;
}

bool rescanDevices() {
  const PortAudioApi& pa = portAudio();
  auto lock = lockPortAudio();
  if (PortAudioStream::openCount() != 0) return false;
  static bool stuck = false;  // once the JACK server is gone, never terminate again
  if (stuck || (stuck = jackServerGone(pa))) return false;
  pa.Terminate();
  pa.check(pa.Initialize(), "re-initialising PortAudio");
  return true;
}

void PortAudioApi::check(PaError err, const std::string& what) const {
  if (err < 0) throw DeviceError(what + ": " + GetErrorText(err));
}

const PortAudioApi& portAudio() {
  ensureLoaded();
  if (!g_error.empty()) throw NoBackendError(g_error);
  return g_api;
}
#endif

bool portAudioAvailable() noexcept {
  try {
    ensureLoaded();
  } catch (...) {
    return false;
  }
  return g_error.empty();
}

std::string portAudioUnavailableReason() {
  ensureLoaded();
  return g_error;
}

}  // namespace ringmix::devices
