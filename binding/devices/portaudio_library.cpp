#include "portaudio_library.hpp"

#include <cstdlib>

#include "devices/device_errors.hpp"
#include "devices/device_list.hpp"
#include "devices/jack_probe.hpp"
#include "platform/dynamic_library.hpp"

namespace ringmix::devices {

namespace {

std::mutex g_lock;
bool g_loaded = false;  // load() ran (under g_lock)
std::string g_error;    // why PortAudio is unusable; empty when it loaded
PortAudioApi g_api{};

template <class Fn>
bool resolve(const platform::DynamicLibrary& lib, const char* name, Fn& out) {
  out = lib.function<Fn>(name);
  return out != nullptr;
}

void ignoreAlsaMessage(const char*, int, const char*, int, const char*, ...) {}
void ignoreJackMessage(const char*) {}

// ALSA and JACK print their probing failures (no sound card, no JACK server running) straight to
// stderr while PortAudio enumerates devices. Those are not errors of ours: PortAudio reports real
// failures through its return codes.
void quietDrivers() {
  if (const auto alsa = platform::DynamicLibrary::openLoaded(platform::libraryNames().alsa)) {
    using Handler = void (*)(const char*, int, const char*, int, const char*, ...);
    using SetHandler = int (*)(Handler);
    if (auto set = alsa.function<SetHandler>("snd_lib_error_set_handler")) set(&ignoreAlsaMessage);
  }
  if (const auto jack = platform::DynamicLibrary::openLoaded(platform::libraryNames().jack)) {
    using SetFn = void (*)(void (*)(const char*));
    for (const char* name : {"jack_set_error_function", "jack_set_info_function"})
      if (auto set = jack.function<SetFn>(name)) set(&ignoreJackMessage);
  }
}

// At exit, hand PortAudio's connections back: its JACK host API keeps a client open for the life
// of the process, and a client that vanishes with the process leaves the JACK server waiting on
// it (jackd then takes ~20 s to shut down). Only when nothing is open, and never after the JACK
// server died (Debian's PortAudio aborts when terminated in that state).
void terminateAtExit() {
  auto lock = lockPortAudio();
  if (!g_error.empty() || openStreamCount() != 0) return;
  if (g_api.HostApiTypeIdToHostApiIndex(paJACK) >= 0 && jackServerGone()) return;
  g_api.Terminate();
}

void load() {
  g_loaded = true;
  // RINGMIX_PORTAUDIO_LIBRARY names another build of PortAudio (or, in tests, a missing one).
  // The override alone when it is set: a test naming a missing build must not fall back.
  const char* override = std::getenv("RINGMIX_PORTAUDIO_LIBRARY");
  const char* hint = platform::libraryNames().portAudioHint;
  auto lib = override ? platform::DynamicLibrary::open({override})
                      : platform::DynamicLibrary::open(platform::libraryNames().portAudio);
  if (!lib) {
    g_error = std::string("PortAudio could not be loaded (") + lib.error() + "): " + hint;
    return;
  }
  lib.keepLoaded();  // g_api points into it for the life of the process
  quietDrivers();
  const bool ok = resolve(lib, "Pa_Initialize", g_api.Initialize) && resolve(lib, "Pa_Terminate", g_api.Terminate) &&
                  resolve(lib, "Pa_GetErrorText", g_api.GetErrorText) &&
                  resolve(lib, "Pa_GetHostApiCount", g_api.GetHostApiCount) &&
                  resolve(lib, "Pa_GetHostApiInfo", g_api.GetHostApiInfo) &&
                  resolve(lib, "Pa_HostApiTypeIdToHostApiIndex", g_api.HostApiTypeIdToHostApiIndex) &&
                  resolve(lib, "Pa_GetDeviceCount", g_api.GetDeviceCount) &&
                  resolve(lib, "Pa_GetDeviceInfo", g_api.GetDeviceInfo) &&
                  resolve(lib, "Pa_GetDefaultInputDevice", g_api.GetDefaultInputDevice) &&
                  resolve(lib, "Pa_GetDefaultOutputDevice", g_api.GetDefaultOutputDevice) &&
                  resolve(lib, "Pa_OpenStream", g_api.OpenStream) && resolve(lib, "Pa_CloseStream", g_api.CloseStream) &&
                  resolve(lib, "Pa_SetStreamFinishedCallback", g_api.SetStreamFinishedCallback) &&
                  resolve(lib, "Pa_StartStream", g_api.StartStream) && resolve(lib, "Pa_AbortStream", g_api.AbortStream) &&
                  resolve(lib, "Pa_GetStreamInfo", g_api.GetStreamInfo);
  if (!ok) {
    g_error = std::string("the PortAudio library found is incomplete: ") + hint;
    return;
  }
  resolve(lib, "PaJack_SetClientName", g_api.JackSetClientName);  // optional
  if (g_api.JackSetClientName) g_api.JackSetClientName("ringmix");
  const PaError err = g_api.Initialize();
  if (err != paNoError) {
    g_error = std::string("PortAudio failed to initialise: ") + g_api.GetErrorText(err);
    return;
  }
  std::atexit(&terminateAtExit);
  // Kept initialised for the life of the process, except for explicit rescans: terminating would
  // invalidate device indices that mixers in other workers hold.
}

}  // namespace

std::unique_lock<std::mutex> lockPortAudio() { return std::unique_lock<std::mutex>(g_lock); }

const PortAudioApi& portAudio() {
  if (!g_loaded) load();
  if (!g_error.empty()) throw NoBackendError(g_error);
  return g_api;
}

int& openStreamCount() {
  static int count = 0;
  return count;
}

void PortAudioApi::check(PaError err, const std::string& what) const {
  if (err < 0) throw DeviceError(what + ": " + GetErrorText(err));
}

bool backendAvailable() noexcept {
  try {
    auto lock = lockPortAudio();
    portAudio();
    return true;
  } catch (...) {
    return false;
  }
}

std::string backendUnavailableReason() {
  auto lock = lockPortAudio();
  if (!g_loaded) load();
  return g_error;
}

}  // namespace ringmix::devices
