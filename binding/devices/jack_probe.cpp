#include "jack_probe.hpp"

#include <dlfcn.h>

#include <atomic>

namespace ringmix::devices {

bool jackServerGone() {
  static std::atomic<bool> gone{false};
  if (gone.load()) return true;
  void* jack = dlopen("libjack.so.0", RTLD_NOW | RTLD_NOLOAD);
  if (!jack) return false;
  using Open = void* (*)(const char*, int, int*, ...);
  using Close = int (*)(void*);
  auto open = reinterpret_cast<Open>(dlsym(jack, "jack_client_open"));
  auto close = reinterpret_cast<Close>(dlsym(jack, "jack_client_close"));
  if (open && close) {
    int status = 0;
    void* probe = open("ringmix-probe", /*JackNoStartServer*/ 0x01, &status);
    if (probe) close(probe);
    // Only "no server to connect to" means gone: a refusal for another reason (a client limit,
    // say) must not make every later silent stream look dead for the rest of the process.
    else if (status & /*JackServerFailed*/ 0x10) gone.store(true);
  }
  dlclose(jack);
  return gone.load();
}

}  // namespace ringmix::devices
