// Engine: the JS-thread side of one mixer. It builds and frees inputs and outputs, sets their
// controls, sends structural commands to the mix cycle, runs the master clock (a real-time thread,
// an output device, or advance() for the simulated clock), watches device streams, and reads back
// metrics and events. Every method but close() is called from the one JS thread that owns the
// mixer, and none of them waits for a real-time thread (stop() and close() join threads that are
// guaranteed to finish their tick: see engine/realtime/clock/tick_loop.hpp).
//
// The files: engine.cpp (lifecycle and clocks), engine_inputs.cpp, engine_outputs.cpp,
// engine_status.cpp (metrics, device status and failures).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "devices/stream.hpp"
#include "engine/config.hpp"
#include "engine/control/command_outbox.hpp"
#include "engine/control/device_watchdog.hpp"
#include "engine/control/input.hpp"
#include "engine/control/lossless_reader.hpp"
#include "engine/control/periodic_thread.hpp"
#include "engine/control/virtual_device_host.hpp"
#include "engine/messages.hpp"
#include "engine/metrics.hpp"
#include "engine/realtime/clock/master_clock.hpp"
#include "engine/realtime/mix/mix_cycle.hpp"
#include "engine/realtime/sinks/playback.hpp"
#include "platform/memory_lock.hpp"
#include "rt/command_queue.hpp"
#include "rt/event_queue.hpp"
#include "rt/snapshot.hpp"
#include "rt/spmc_ring.hpp"
#include "rt/spsc_ring.hpp"

namespace ringmix::engine {

enum class ClockMode { Virtual, Simulated, Device };

// The master clock's output device (ClockMode::Device).
struct DeviceClockSpec {
  devices::DeviceRef device;
  std::uint32_t deviceInputChannels = 0;  // the device's input channels (duplex inputs use them)
  std::string label;
};

enum class StripParam { GainDb, Pan, Muted, Solo };

// What the JS thread can see of every device stream (polled, from atomics).
struct DeviceStatus {
  StreamKind kind;
  std::uint32_t id;  // input or output id (0 for the clock)
  bool failed;
  std::uint64_t callbacks;
  std::uint64_t overflows;   // input: the device's own overflow flags
  std::uint64_t underflows;  // output/clock: device underflow flags; output: silence inserted too
  std::uint64_t lostFrames;  // output: frames skipped after falling behind the mix
  std::uint64_t dropouts;
  std::uint64_t lagFrames;   // output: mix frames waiting for it
  std::uint64_t clippedSamples;  // output/clock: samples clipped to ±1 on their way to the device
  double latencyMs;          // the device's own buffering, as the backend reports it
  std::uint32_t sampleRate;
  // Output: drift compensation against the mix's clock (see PlaybackSource).
  double ratio = 1.0;
  double clockPpm = 0.0;
  double driftLatencyFrames = 0.0;
  bool locked = false;
  std::uint64_t resyncs = 0;
  bool compensated = false;
};

// An extra output's drift compensation: unset = on (the device has its own clock).
struct OutputDriftSpec {
  std::optional<bool> compensateDrift;
  double targetLatencyMs = 0.0;  // 0: the default
};

// Thrown (on the JS thread) when structural commands pile up beyond the outbox's bound: the
// real-time side is not draining them.
struct QueueFullError {};
struct TooManyInputsError {};
struct NoSuchInputError {};

class Engine {
 public:
  Engine(const EngineConfig& config, ClockMode mode, const DeviceClockSpec& clock = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const noexcept { return config_; }
  ClockMode mode() const noexcept { return mode_; }

  // Inputs (engine_inputs.cpp).
  std::uint32_t addInput(const InputSpec& spec);
  void removeInput(std::uint32_t id);  // NoSuchInputError for an unknown id
  std::uint32_t inputChannels(std::uint32_t id) const;  // NoSuchInputError
  bool isPushInput(std::uint32_t id) const;             // NoSuchInputError
  void setStrip(std::uint32_t id, StripParam param, double value);  // NoSuchInputError
  void setMasterGainDb(double db);
  // The DSP blocks of an input's strip and of the master (applied on the next cycle, smoothed);
  // their current values (NoSuchInputError). A sidechain id that names no input is the input's own.
  void setInputDsp(std::uint32_t id, const InputDspParams& params);
  InputDspParams inputDsp(std::uint32_t id) const;
  void setMasterDsp(const MasterDspParams& params);
  const MasterDspParams& masterDsp() const noexcept { return masterDsp_.current(); }
  // The master's loudness meter starts over (integrated loudness, range, true peak).
  void resetLoudness();
  // A generator's clock offset from the master, from now on (NoSuchInputError; false: not a
  // generator).
  bool setClockPpm(std::uint32_t id, double ppm);
  // Push inputs: JS is the producer. Returns frames accepted (whole frames; the rest is the
  // caller's to retry: backpressure).
  std::size_t writeInput(std::uint32_t id, const float* data, std::size_t frames);
  std::size_t inputWritableFrames(std::uint32_t id);

  // Extra outputs playing the mix on other devices (engine_outputs.cpp). Throws devices errors.
  std::uint32_t addOutput(const devices::DeviceRef& device, std::uint32_t deviceChannels, std::uint32_t deviceRate,
                          const std::string& label, const OutputDriftSpec& drift = {});
  void removeOutput(std::uint32_t id);
  // Consumers that must lose nothing on the simulated clock (recorders): advance() waits for them
  // (see lossless_reader.hpp). JS thread.
  void addLosslessReader(std::shared_ptr<LosslessReader> reader);
  void removeLosslessReader(const LosslessReader* reader);
  // One id space for every consumer of the mix (taps, outputs, recorders).
  std::uint32_t newConsumerId() noexcept { return nextConsumerId_++; }

  // Lifecycle (engine.cpp).
  void start();  // virtual or device clock; throws devices errors
  void stop();
  bool running() const noexcept { return running_; }
  void advance(std::uint64_t frames);  // simulated clock
  // Applies what waits for the cycle and frees what it handed back; when no clock runs the cycle
  // (stopped, or its device died), the JS thread drains the cycle's commands itself. Called at
  // every entry point and by the JS side's polling.
  void service();
  // Stops everything and frees every input and output. Idempotent; thread-safe (the addon calls it
  // from a worker thread, and again at environment teardown). Blocking.
  void close();

  // Status (engine_status.cpp).
  std::vector<DeviceStatus> deviceStatus() const;
  // Devices that failed since the last call (stopped on their own, or silent for
  // DeviceWatchdog::kStallNs while running). Their inputs read as silence until they deliver audio
  // again (a stall) or for good (a stream the backend reports finished). The clock's failure means
  // the mix stopped: the JS thread takes over applying commands until start() is called again.
  std::vector<DeviceFailure> pollDeviceFailures();
  bool clockFailed() const noexcept { return clockDown_; }
  MetricsFrame metrics();
  bool pollEvent(Event& out) { return events_.tryPop(out); }
  std::uint64_t droppedEvents() const { return events_.droppedEvents(); }
  rt::SpmcRing<float>& output() noexcept { return output_; }

 private:
  struct OutputRecord {
    std::unique_ptr<PlaybackSource> source;
    std::unique_ptr<devices::Stream> stream;
  };

  Input& input(std::uint32_t id) const;
  // A generator ticks on the system clock (or the simulated one), which is the master's own
  // unless the master is a device: see InputRt::ClockRelation.
  InputRt::ClockRelation generatorClock(double ppm) const noexcept {
    if (ppm != 0.0) return InputRt::ClockRelation::Own;
    return mode_ == ClockMode::Device ? InputRt::ClockRelation::SystemVsDevice : InputRt::ClockRelation::Same;
  }
  void send(const Command& c);
  // Whether no real-time thread runs the cycle now, so the JS thread may (holding the baton).
  bool cycleIdle() const noexcept;
  void collectRetired();
  void freeInput(std::unique_ptr<Input>& in);
  void openClockStream();
  void startHost();
  void adoptClockPriority();
  void stopStreams(bool forGood);
  void waitForLossless(std::uint32_t frames);
  void leaveDirect(Input& in, std::int64_t timeNs, std::uint64_t masterFrames) noexcept;
  void leaveDirectSkewed(std::int64_t timeNs) noexcept;
  // The simulated clock's time (ns): frames so far at the mixer's rate, from 1 s (0 means unset).
  std::int64_t simulatedNs() const noexcept { return simulatedNs(simulatedFrames_); }
  std::int64_t simulatedNs(std::uint64_t frames) const noexcept {
    return 1'000'000'000 + static_cast<std::int64_t>(static_cast<long double>(frames) * 1e9L / config_.sampleRate);
  }

  const EngineConfig config_;
  std::vector<std::shared_ptr<LosslessReader>> lossless_;
  const ClockMode mode_;
  const DeviceClockSpec clockSpec_;
  rt::CommandQueue<Command> commands_;
  CommandOutbox outbox_;
  rt::SpscRing<InputRt*> retired_;
  rt::SpscRing<InputRt*>::Producer retiredIn_;
  rt::SpscRing<InputRt*>::Consumer retiredOut_;
  rt::EventQueue<Event> events_;
  rt::SpmcRing<float> output_;
  rt::Snapshot<MetricsFrame> metrics_;
  MasterControls master_;
  MasterDspControls masterDsp_{MasterDspParams{}};
  MixCycle cycle_;
  MasterClock clock_;
  PeriodicThread clockThread_;  // ClockMode::Virtual
  std::unique_ptr<devices::Stream> clockStream_;  // ClockMode::Device, while started
  VirtualDeviceHost host_;
  DeviceWatchdog watchdog_;

  std::map<std::uint32_t, std::unique_ptr<Input>> inputs_;  // live, in id order
  // Simulated clock: its live generators that run through their rings (advanced every cycle), and
  // those the cycle renders itself (direct: looked at only when a clock was skewed, directSkewed_).
  std::vector<Input*> simulatedGenerators_;
  std::vector<Input*> directGenerators_;
  bool directSkewed_ = false;
  std::vector<std::unique_ptr<Input>> retiring_;            // removed, not yet let go of
  std::map<std::uint32_t, OutputRecord> outputs_;
  std::uint32_t nextInputId_ = 1;
  std::uint32_t nextConsumerId_ = 1;
  std::uint64_t simulatedFrames_ = 0;
  bool running_ = false;
  bool clockDown_ = false;
  int hostPriority_ = -1;  // what the host thread was last set to (device clock)

  // The engine (with the cycle, its buffers and meters) and the broadcast ring stay resident.
  platform::LockedRegion selfLock_{this, sizeof(Engine)};
  platform::LockedRegion outputLock_{output_.storage(), output_.storageBytes()};

  std::mutex closeLock_;
  bool closed_ = false;
};

}  // namespace ringmix::engine
