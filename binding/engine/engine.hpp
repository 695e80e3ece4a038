// Engine: the JS-thread side of one mixer. It builds and frees inputs, sends commands to the mix
// cycle, runs the master clock (a real-time thread, or advance() for the simulated clock), and
// reads back metrics and events. Every method is called from the one JS thread that owns the mixer.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

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

enum class ClockMode { Virtual, Simulated };

struct InputSpec {
  enum class Kind { Generator, Push } kind = Kind::Generator;
  GeneratorParams generator;  // Generator
  double clockPpm = 0.0;      // Generator: its clock's offset from the master
  std::uint32_t channels = 1; // Push (generators produce the mixer's channel count)
  StripParams strip;
};

// Thrown (on the JS thread) when the command queue stays full: the real-time side is not draining.
struct QueueFullError {};
struct TooManyInputsError {};

class Engine {
 public:
  Engine(const EngineConfig& config, ClockMode mode);
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

  void start();  // virtual clock
  void stop();
  bool running() const noexcept { return clock_.running(); }
  void advance(std::uint64_t frames);  // simulated clock

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
  bool realtimeRunning() const noexcept { return clock_.running(); }
  static void onClockTick(void* self, const Tick& tick) noexcept;

  const EngineConfig config_;
  const ClockMode mode_;
  rt::CommandQueue<Command> commands_;
  rt::SpscRing<Input*> retired_;
  rt::EventQueue<Event> events_;
  rt::SpmcRing<float> output_;
  rt::Snapshot<MetricsFrame> metrics_;
  MixCycle cycle_;
  PeriodicThread clock_;

  std::unordered_map<std::uint32_t, InputRecord> inputs_;
  std::uint32_t nextId_ = 1;
  std::uint64_t simulatedFrames_ = 0;
  bool closed_ = false;
};

}  // namespace ringmix::engine
