// Baton: who runs the mix cycle right now. The cycle (its command queue's consumer side, its
// meters, its inputs) must only ever run on one thread at a time. Normally that is the master
// clock's thread; when that clock is stopped, or its device died and stopped calling back, the JS
// thread takes over (to apply commands and hand removed inputs back). Whoever wants to run a
// cycle takes the baton first; whoever finds it taken does not wait: the real-time side skips that
// cycle (counted), the JS side leaves the work to the one holding it.
//
// acquire on a successful take, release on give-back: everything the previous holder did to the
// cycle's state happens-before the next holder's first access.
#pragma once

#include <atomic>

namespace ringmix::rt {

class Baton {
 public:
  bool tryTake() noexcept { return !held_.exchange(true, std::memory_order_acquire); }
  void giveBack() noexcept { held_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> held_{false};
};

// Holds the baton for a scope, if it could be taken.
class BatonScope {
 public:
  explicit BatonScope(Baton& b) noexcept : baton_(b), held_(b.tryTake()) {}
  ~BatonScope() {
    if (held_) baton_.giveBack();
  }
  BatonScope(const BatonScope&) = delete;
  BatonScope& operator=(const BatonScope&) = delete;
  explicit operator bool() const noexcept { return held_; }

 private:
  Baton& baton_;
  bool held_;
};

}  // namespace ringmix::rt
