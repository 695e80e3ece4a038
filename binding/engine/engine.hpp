// Engine: the JS-thread side of one mixer. It builds and frees inputs, sends commands to the mix
// cycle, runs the master clock (a real-time thread, or advance() for the simulated clock), and
// reads back metrics and events. Every method is called from the one JS thread that owns the mixer.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "devices/output_clock.hpp"
#include "devices/playback_device.hpp"
#include "engine/config.hpp"
#include "engine/input.hpp"
#include "engine/messages.hpp"
#include "engine/metrics.hpp"
#include "engine/periodic_thread.hpp"
#include "engine/realtime/generator.hpp"
#include "engine/realtime/mix_cycle.hpp"
#include "rt/command_queue.hpp"
#include "rt/event_queue.hpp"
#include "rt/snapshot.hpp"
#include "rt/spmc_ring.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

enum class ClockMode { Virtual, Simulated, Device };

// The master clock's output device (ClockMode::Device).
struct DeviceClockSpec {
  int device = -1;
  std::uint32_t deviceInputChannels = 0;  // the device's input channels (duplex inputs use them)
  std::string label;
};

struct InputSpec {
  enum class Kind { Generator, Push, Device } kind = Kind::Generator;
  GeneratorParams generator;  // Generator
  double clockPpm = 0.0;      // Generator: its clock's offset from the master
  std::uint32_t channels = 1; // Push (generators produce the mixer's channel count)
  // Device: PortAudio index, the device channels to take (1 or 2), the rate to open it at
  // (resampled to the mixer's when different), and a label for error messages.
  int deviceIndex = -1;
  std::vector<std::uint32_t> deviceChannels;
  std::uint32_t deviceRate = 0;
  std::string label;
  StripParams strip;
};

// What the JS thread can see of every device stream (polled, from atomics).
struct DeviceStatus {
  enum class Kind { Clock, Input, Output } kind;
  std::uint32_t id;  // input or output id (0 for the clock)
  bool failed;
  std::uint64_t callbacks;
  std::uint64_t overflows;   // input: the device's own overflow flags
  std::uint64_t underflows;  // output/clock: device underflow flags; output: silence inserted too
  std::uint64_t lostFrames;  // output: frames skipped after falling behind the mix
  std::uint64_t dropouts;
  std::uint64_t lagFrames;   // output: mix frames waiting for it
  double latencyMs;          // the device's own buffering, as PortAudio reports it
  std::uint32_t sampleRate;
};

struct DeviceFailure {
  DeviceStatus::Kind kind;
  std::uint32_t id;
  std::string message;
};

// Thrown (on the JS thread) when the command queue stays full: the real-time side is not draining.
struct QueueFullError {};
struct TooManyInputsError {};

class Engine {
 public:
  Engine(const EngineConfig& config, ClockMode mode, const DeviceClockSpec& clock = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const noexcept { return config_; }
  ClockMode mode() const noexcept { return mode_; }

  std::uint32_t addInput(const InputSpec& spec);
  void removeInput(std::uint32_t id);
  bool hasInput(std::uint32_t id) const { return inputs_.count(id) != 0; }
  // SetGainDb, SetPan, SetMuted, SetSolo (id) or SetMasterGainDb (id ignored).
  void set(CommandType type, std::uint32_t id, double value);
  // Push inputs: JS is the producer. Returns frames accepted (whole frames; the rest is the
  // caller's to retry: backpressure).
  std::size_t writeInput(std::uint32_t id, const float* data, std::size_t frames);
  std::size_t inputWritableFrames(std::uint32_t id);

  // Extra outputs playing the mix on other devices. Throws devices::DeviceError.
  std::uint32_t addOutput(int deviceIndex, std::uint32_t deviceChannels, std::uint32_t deviceRate,
                          const std::string& label);
  void removeOutput(std::uint32_t id);

  void start();  // virtual or device clock; throws devices::DeviceError
  void stop();
  bool running() const noexcept { return running_; }
  void advance(std::uint64_t frames);  // simulated clock

  std::vector<DeviceStatus> deviceStatus() const;
  // Devices that failed since the last call (stopped on their own, or silent for kStallNs while
  // running). Their inputs read as silence until they deliver audio again (a stall) or for good
  // (a stream PortAudio reports finished).
  std::vector<DeviceFailure> pollDeviceFailures();

  rt::SpmcRing<float>& output() noexcept { return output_; }
  MetricsFrame metrics();
  bool pollEvent(Event& out) { return events_.tryPop(out); }
  std::uint64_t droppedEvents() const { return events_.droppedEvents(); }

  // Stops everything and frees every input. Idempotent.
  void close();

 private:
  struct InputRecord {
    Input* input;             // owned by the mix cycle until retired
    std::uint64_t startFrame; // master frame at which it was added (simulated clock)
  };

  void send(const Command& c);
  void collectRetired();
  bool realtimeRunning() const noexcept { return running_; }
  static void onClockTick(void* self, const Tick& tick) noexcept;
  static void onDeviceCycle(void* self, const float* in, std::uint32_t inChannels, float* out,
                            std::uint32_t frames, std::int64_t lateNs, bool underflow) noexcept;

  struct Watch {  // watchdog state per device stream
    std::uint64_t lastCallbacks = 0;
    std::int64_t lastChangeNs = 0;
    bool down = false;  // reported as failed, not recovered since
  };
  bool stalled(Watch& w, std::uint64_t callbacks, std::int64_t now, std::int64_t thresholdNs) const;
  // Before stopping streams: one whose callbacks have not moved for a short while may belong to a
  // server that died a moment ago, and PortAudio would wait forever to stop it.
  void markSilentStreamsStalled();
  // A device silent this long while running is reported failed. Servers stall for about a second
  // when streams start (PulseAudio, seen here), so this must be comfortably longer.
  static constexpr std::int64_t kStallNs = 3000000000LL;

  const EngineConfig config_;
  const ClockMode mode_;
  rt::CommandQueue<Command> commands_;
  rt::SpscRing<Input*> retired_;
  rt::EventQueue<Event> events_;
  rt::SpmcRing<float> output_;
  rt::Snapshot<MetricsFrame> metrics_;
  MixCycle cycle_;
  PeriodicThread clock_;
  const DeviceClockSpec deviceClockSpec_;
#if RINGMIX_HAVE_PORTAUDIO
  std::unique_ptr<devices::OutputClock> deviceClock_;
  std::map<std::uint32_t, std::unique_ptr<devices::PlaybackDevice>> outputs_;
#endif
  std::map<std::pair<int, std::uint32_t>, Watch> watches_;
  bool running_ = false;
  std::uint32_t nextOutputId_ = 1;

  std::unordered_map<std::uint32_t, InputRecord> inputs_;
  std::uint32_t nextId_ = 1;
  std::uint64_t simulatedFrames_ = 0;
  bool closed_ = false;
};

}  // namespace ringmix::engine
