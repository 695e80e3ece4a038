#include "rt_scope.hpp"

#include <mutex>

#include "platform/dynamic_library.hpp"

namespace ringmix::platform {

namespace {
RtHooks g_hooks;
std::once_flag g_once;
}  // namespace

// Workers may create mixers concurrently, hence call_once. Every real-time thread is started after
// this returns (thread creation orders it), so they read g_hooks without further synchronisation.
const RtHooks& initRtHooks() noexcept {
  std::call_once(g_once, [] {
    g_hooks.enter = reinterpret_cast<void (*)()>(globalSymbol("ringmix_rtguard_enter"));
    g_hooks.leave = reinterpret_cast<void (*)()>(globalSymbol("ringmix_rtguard_leave"));
    g_hooks.counts = reinterpret_cast<void (*)(unsigned long long*)>(
        globalSymbol("ringmix_rtguard_counts"));
    g_hooks.reset = reinterpret_cast<void (*)()>(globalSymbol("ringmix_rtguard_reset"));
  });
  return g_hooks;
}

const RtHooks& rtHooks() noexcept { return g_hooks; }

}  // namespace ringmix::platform
