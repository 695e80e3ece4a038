// DeviceWatchdog: which device streams are down. A stream is down when the backend says it
// finished on its own, or when it has delivered no buffer for kStallNs while running (a server
// that vanished without telling PortAudio). Each outage is reported once; a stalled stream that
// delivers again is up again. Control side (the JS thread's polling).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace ringmix::engine {

enum class StreamKind { Clock, Input, Output };

struct DeviceFailure {
  StreamKind kind;
  std::uint32_t id;  // input or output id (0 for the clock)
  std::string message;
};

class DeviceWatchdog {
 public:
  // Servers stall for about a second when streams start (PulseAudio, seen here), and a 4096-frame
  // period at 8 kHz is half a second: silence must last comfortably longer to mean "gone".
  static constexpr std::int64_t kStallNs = 3000000000LL;

  struct Verdict {
    bool down;
    bool newlyDown;  // report it
  };

  Verdict check(StreamKind kind, std::uint32_t id, std::uint64_t callbacks, bool finished, bool running,
                std::int64_t nowNs) {
    Watch& w = watches_[{static_cast<int>(kind), id}];
    bool stalled = false;
    if (callbacks != w.lastCallbacks || w.lastChangeNs == 0) {
      w.lastCallbacks = callbacks;
      w.lastChangeNs = nowNs;
    } else {
      stalled = running && nowNs - w.lastChangeNs > kStallNs;
    }
    const bool down = finished || stalled;
    const Verdict v{down, down && !w.down};
    w.down = down;
    return v;
  }

  // On start(): silence counts from now (a stopped stream does not call back).
  void restart(std::int64_t nowNs) {
    for (auto& [key, w] : watches_) w = Watch{w.lastCallbacks, nowNs, w.down};
  }
  void forget(StreamKind kind, std::uint32_t id) { watches_.erase({static_cast<int>(kind), id}); }

 private:
  struct Watch {
    std::uint64_t lastCallbacks = 0;
    std::int64_t lastChangeNs = 0;
    bool down = false;  // reported, not recovered since
  };
  std::map<std::pair<int, std::uint32_t>, Watch> watches_;
};

}  // namespace ringmix::engine
