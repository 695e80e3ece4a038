#include "jack_probe.hpp"

#include <atomic>

#include "platform/dynamic_library.hpp"

namespace ringmix::devices {

bool jackServerGone() {
  static std::atomic<bool> gone{false};
  if (gone.load()) return true;
  const auto jack = platform::DynamicLibrary::openLoaded(platform::libraryNames().jack);
  if (!jack) return false;
  using Open = void* (*)(const char*, int, int*, ...);
  using Close = int (*)(void*);
  auto open = jack.function<Open>("jack_client_open");
  auto close = jack.function<Close>("jack_client_close");
  if (open && close) {
    int status = 0;
    void* probe = open("ringmix-probe", /*JackNoStartServer*/ 0x01, &status);
    if (probe) close(probe);
    // Only "no server to connect to" means gone: a refusal for another reason (a client limit,
    // say) must not make every later silent stream look dead for the rest of the process.
    else if (status & /*JackServerFailed*/ 0x10) gone.store(true);
  }
  return gone.load();
}

}  // namespace ringmix::devices
