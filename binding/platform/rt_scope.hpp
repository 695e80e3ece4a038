// Marks real-time threads for the allocation/lock guard used by the test suite (test/rtguard: a
// library LD_PRELOADed under `npm test` that counts malloc/free/new/delete and mutex locks made on
// marked threads). Without the guard the hooks resolve to nothing and cost a null check.
#pragma once

namespace ringmix::platform {

struct RtHooks {
  void (*enter)() = nullptr;
  void (*leave)() = nullptr;
  // Counters of the guard: allocations, frees, locks (nullptr without the guard).
  void (*counts)(unsigned long long out[3]) = nullptr;
  void (*reset)() = nullptr;
};

// Looks the guard up once (JS thread, before any real-time thread starts).
const RtHooks& initRtHooks() noexcept;
// The hooks found by initRtHooks(); safe to call from real-time threads.
const RtHooks& rtHooks() noexcept;

// Everything between construction and destruction counts as real-time for the guard.
class RtScope {
 public:
  RtScope() noexcept {
    if (rtHooks().enter) rtHooks().enter();
  }
  ~RtScope() {
    if (rtHooks().leave) rtHooks().leave();
  }
  RtScope(const RtScope&) = delete;
  RtScope& operator=(const RtScope&) = delete;
};

}  // namespace ringmix::platform
