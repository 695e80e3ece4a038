// Closing a mixer soon after starting it, on real audio servers (device_main.cpp starts them).
//
// The bug this guards against: stop() took a stream that had not called back for 100 ms as
// stalled, skipped stopping and closing it, and freed what its callback reaches; the stream then
// called back into freed memory. A JACK device at 8 kHz with 4096-frame periods (512 ms between
// callbacks) and a PulseAudio capture (which stalls about a second when it starts) both crashed.
// Under AddressSanitizer a callback touching freed memory is a heap-use-after-free report, so
// every round completing is the first proof. The second: afterwards PortAudio can re-initialise
// (a rescan), which it does only when every stream in the process was really closed; a stream
// wrongly abandoned while its server lives keeps that from ever happening.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "devices/device_list.hpp"
#include "engine/control/engine.hpp"

using namespace ringmix;
using namespace std::chrono_literals;
using engine::ClockMode;
using engine::Engine;
using engine::StreamKind;

namespace {

using SteadyClock = std::chrono::steady_clock;

// Polls `cond` until it holds or `timeout` passes (generous: a liveness bound, never a timing).
bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!cond()) {
    if (SteadyClock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

devices::DeviceInfo findDevice(const std::string& name, const std::string& hostApi) {
  const devices::DeviceList list = devices::deviceList(false);
  for (const auto& d : list.devices)
    if (d.name == name && d.hostApi == hostApi && d.maxInputChannels > 0) return d;
  std::string seen;
  for (const auto& d : list.devices) seen += "\n  '" + d.name + "' (" + d.hostApi + ")";
  FAIL("no capture device '" << name << "' (" << hostApi << ") in:" << seen);
  return {};
}

devices::DeviceRef refOf(const devices::DeviceInfo& d) { return {d.index, d.name, d.hostApi}; }

engine::InputSpec capture(const devices::DeviceInfo& d, std::vector<std::uint32_t> channels) {
  engine::InputSpec s;
  s.kind = engine::InputSpec::Kind::Device;
  s.device = refOf(d);
  s.deviceChannels = std::move(channels);
  s.label = "input on '" + d.name + "'";
  return s;
}

std::uint64_t callbacks(const Engine& e, StreamKind kind, std::uint32_t id) {
  for (const auto& s : e.deviceStatus())
    if (s.kind == kind && s.id == id) return s.callbacks;
  return 0;
}

// When a round closes its mixer after start(): at once (for JACK, StartStream itself waits for
// the server's next cycle, so this is right after the first one), mid-period (50 ms into a 512 ms
// JACK period; 300 ms into PulseAudio's start-up stall), or once the watched stream has called
// back twice more (audio flowing).
enum class Wait { None, Briefly, Callbacks };

struct Round {
  int index;
  Wait wait;
  bool restart;        // stop() and start() once before closing
  bool replaceInput;   // remove the watched input while running, then add another one
  bool closeOnWorker;  // close() from another thread, as the addon's async close does
};

// The rounds of a case: each wait in turn; a stop/start and a replaced input every few rounds
// (every n + 1 for n waits, so they meet each wait in turn); two closes in four from a worker.
//
// JACK cases run fewer rounds than PulseAudio's: at 512 ms per period every JACK port
// registration, connection and stream start or stop waits for a server cycle or more, so a round
// takes 4 to 14 s. The old code failed on every close that fell 100 ms or more after a callback
// (most closes here), so a handful of rounds per case is enough to catch it.
std::vector<Round> schedule(int rounds, const std::vector<Wait>& waits) {
  const int every = static_cast<int>(waits.size()) + 1;
  std::vector<Round> out;
  for (int r = 0; r < rounds; ++r)
    out.push_back(Round{r, waits[r % waits.size()], r % every == 1, r % every == every - 1, r / 2 % 2 == 1});
  return out;
}

void pause(Engine& e, Wait wait, std::chrono::milliseconds brief, StreamKind kind, std::uint32_t id) {
  if (wait == Wait::Briefly) std::this_thread::sleep_for(brief);
  if (wait == Wait::Callbacks) {
    const std::uint64_t before = callbacks(e, kind, id);  // a restarted stream counts on
    REQUIRE_MESSAGE(eventually([&] { return callbacks(e, kind, id) >= before + 2; }, 20000ms),
                    "the device stream did not call back twice in 20 s");
  }
}

void closeAsPlanned(Engine& e, const Round& r) {
  if (!r.closeOnWorker) return e.close();
  std::thread worker([&e] { e.close(); });
  worker.join();
}

// No stream of this process is left open: PortAudio re-initialises only then. Streams of closed
// mixers are closed synchronously, removed inputs' streams by devices::retireStream's background
// thread (hence the polling).
void requireEveryStreamClosed() {
  CHECK_MESSAGE(eventually([] { return devices::deviceList(true).rescanned; }, 30000ms),
                "a device stream was left open (abandoned?) after every mixer closed: PortAudio cannot rescan");
}

engine::EngineConfig jackConfig() {
  engine::EngineConfig c;
  c.sampleRate = 8000;
  c.periodFrames = 4096;
  return c;
}

// Rounds of a capture input under the virtual clock: start, wait as the round says, maybe
// stop/start and replace the input while running, then close as planned.
void captureRounds(const devices::DeviceInfo& device, const engine::EngineConfig& config, int rounds,
                   std::chrono::milliseconds brief, std::vector<std::uint32_t> channels) {
  for (const Round& r : schedule(rounds, {Wait::None, Wait::Briefly, Wait::Callbacks})) {
    CAPTURE(r.index);
    CAPTURE(static_cast<int>(r.wait));
    Engine e(config, ClockMode::Virtual);
    std::uint32_t id = e.addInput(capture(device, channels));
    e.start();
    pause(e, r.wait, brief, StreamKind::Input, id);
    if (r.restart) {
      e.stop();
      e.start();
      pause(e, r.wait, brief, StreamKind::Input, id);
    }
    if (r.replaceInput) {
      e.removeInput(id);
      id = e.addInput(capture(device, {0}));
    }
    closeAsPlanned(e, r);
  }
  requireEveryStreamClosed();
}

}  // namespace

TEST_SUITE("device-close") {
  TEST_CASE("JACK 8 kHz/4096 as the master clock, with a duplex capture input and at times a separate one") {
    const devices::DeviceInfo jack = findDevice("system", "JACK Audio Connection Kit");
    const engine::DeviceClockSpec clock{refOf(jack), static_cast<std::uint32_t>(jack.maxInputChannels), "clock on 'system'"};
    for (const Round& r : schedule(6, {Wait::None, Wait::Briefly, Wait::Callbacks})) {
      CAPTURE(r.index);
      CAPTURE(static_cast<int>(r.wait));
      Engine e(jackConfig(), ClockMode::Device, clock);
      e.addInput(capture(jack, {0, 1}));  // added while stopped: part of the clock's stream
      e.start();
      // In every other round (and whenever one is replaced), an input added while running: a
      // capture stream of its own on the same device, closed after the clock's.
      const bool ownStream = r.index % 2 == 1 || r.replaceInput;
      std::uint32_t own = ownStream ? e.addInput(capture(jack, {0})) : 0;
      pause(e, r.wait, 50ms, StreamKind::Clock, 0);
      if (r.wait == Wait::Callbacks) CHECK(e.metrics().cycles >= 1);  // the callback ran the mix
      if (r.restart) {
        e.stop();
        e.start();
        pause(e, r.wait, 50ms, StreamKind::Clock, 0);
      }
      if (r.replaceInput) {
        e.removeInput(own);
        own = e.addInput(capture(jack, {1}));
      }
      closeAsPlanned(e, r);
    }
    requireEveryStreamClosed();
  }

  TEST_CASE("JACK 8 kHz/4096 capture under the virtual clock") {
    captureRounds(findDevice("system", "JACK Audio Connection Kit"), jackConfig(), 6, 50ms, {0, 1});
  }

  TEST_CASE("PulseAudio capture through ALSA 'pulse', closed during its start-up stall and after") {
    engine::EngineConfig c;  // 48 kHz, the null sink's rate
    captureRounds(findDevice("pulse", "ALSA"), c, 18, 300ms, {0});
  }
}
