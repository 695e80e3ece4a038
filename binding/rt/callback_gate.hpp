// CallbackGate: how a real-time callback that someone else's thread calls (a PortAudio stream's)
// reaches its context only while that context is alive.
//
// A stream whose server died, or that we could not stop, may still call back later; its context
// (rings, scratch buffers) must not be freed under it. The callback enters the gate before touching
// its context and leaves after; the control side closes the gate, waits until no callback is
// inside, and only then frees the context. A callback arriving after that finds the gate closed and
// returns without touching anything but the gate, which is kept alive for as long as the stream
// may call (for an abandoned stream: forever, a few bytes: a tombstone).
//
// Memory ordering: one atomic word holds a "closed" bit and the number of callbacks inside.
// enter() is an acquire RMW; leave() a release RMW. close() is an RMW, so it is ordered with every
// enter() in the word's modification order: an enter() after it sees the bit and backs out; one
// before it is counted, and idle() (an acquire load, sequenced after close()) reads zero only once
// that callback's leave() is in the word's history, which (RMWs extend release sequences) makes
// everything the callback did happen-before the control side's next step. No fences; TSan sees it.
#pragma once

#include <atomic>
#include <cstdint>

namespace ringmix::rt {

class CallbackGate {
 public:
  CallbackGate() = default;
  CallbackGate(const CallbackGate&) = delete;
  CallbackGate& operator=(const CallbackGate&) = delete;

  // Real-time side: true when the context may be used (then call leave()); never waits.
  bool enter() noexcept {
    const std::uint32_t s = state_.fetch_add(1, std::memory_order_acquire);
    if ((s & kClosed) == 0) return true;
    state_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  void leave() noexcept { state_.fetch_sub(1, std::memory_order_release); }

  // Control side: no callback enters from now on.
  void close() noexcept { state_.fetch_or(kClosed, std::memory_order_acq_rel); }
  // Control side, after close(): true once no callback is inside (the context may be freed).
  bool idle() const noexcept { return (state_.load(std::memory_order_acquire) & kCount) == 0; }
  bool closed() const noexcept { return (state_.load(std::memory_order_acquire) & kClosed) != 0; }

 private:
  static constexpr std::uint32_t kClosed = 1u << 31;
  static constexpr std::uint32_t kCount = kClosed - 1;
  std::atomic<std::uint32_t> state_{0};
};

}  // namespace ringmix::rt
