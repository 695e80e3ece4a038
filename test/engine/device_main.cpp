// Entry point of device_tests: starts this run's private JACK and PulseAudio servers, then runs the
// doctest suites against them. The servers must be up, and this process's environment must name
// them, before PortAudio initialises: PortAudio connects to JACK (and ALSA's 'pulse' device to
// PulseAudio) once, when the first device call loads it, and keeps that view for the process.
// Starting them here, before any test runs, makes that ordering structural.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "audio_servers.hpp"

using namespace ringmix::test;

int main(int argc, char** argv) {
  // Private names: concurrent runs (and the user's own servers) are never touched.
  const std::string jackName = "ringmix-devtest-" + std::to_string(getpid());
  std::unique_ptr<TempDir> pulseRuntime;
  std::unique_ptr<JackServer> jack;
  std::unique_ptr<PulseServer> pulse;
  try {
    pulseRuntime = std::make_unique<TempDir>("ringmix-devtest-pulse-run-");
    // 8 kHz with 4096-frame periods: half a second per period, so a stream can be closed before
    // its first callback, mid-period, or after a few (the case that crashed).
    jack = std::make_unique<JackServer>(jackName, 8000, 4096);
    pulse = std::make_unique<PulseServer>(pulseRuntime->path(), 48000);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "device tests: cannot start the private audio servers: %s\n", e.what());
    return 1;
  }
  setenv("JACK_DEFAULT_SERVER", jackName.c_str(), 1);
  setenv("JACK_NO_START_SERVER", "1", 1);
  setenv("PULSE_RUNTIME_PATH", pulseRuntime->path().c_str(), 1);

  doctest::Context context(argc, argv);
  const int result = context.run();
  // Servers stop here (declared after the runtime directory, so they go first). PortAudio is
  // still initialised and connected to them; nothing calls into it any more.
  pulse.reset();
  jack.reset();
  return result;
}

// Full stack traces for every allocation (ASan's default unwinder stops at the first library built
// without frame pointers): a leak inside a dlclosed ALSA plugin is then traced back to libasound,
// which test/engine/lsan.supp suppresses; with the fast unwinder its stack is two frames in an
// unknown module and could not be told apart from ours. ASAN_OPTIONS still overrides it.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
#endif
#endif
