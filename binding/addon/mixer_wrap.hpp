// MixerWrap: the JS handle on an engine::Engine. Argument shapes are validated by the TypeScript
// layer (lib/) and again here (addon/args.hpp): a direct caller must not be able to crash the
// process or slip a bad value into the engine. Every method runs through guard<>, which turns any
// C++ exception into a coded JS error.
//
// The files: mixer_wrap.cpp (construction, lifecycle, closing), mixer_inputs.cpp (inputs and
// their controls), mixer_consumers.cpp (taps and outputs), mixer_recorders.cpp (recorders),
// mixer_streams.cpp (encoders for network streams), mixer_dsp.cpp (the strips' DSP blocks), mixer_status.cpp (metrics, events and
// device status marshalling).
#pragma once

#include <napi.h>

#include <map>
#include <memory>

#include "consumers/recorder.hpp"
#include "consumers/streamer.hpp"
#include "engine/control/engine.hpp"
#include "errors.hpp"

namespace ringmix::addon {

class MixerWrap : public Napi::ObjectWrap<MixerWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit MixerWrap(const Napi::CallbackInfo& info);
  ~MixerWrap() override;

 private:
  using Method = Napi::Value (MixerWrap::*)(const Napi::CallbackInfo&);
  template <Method M>
  Napi::Value guard(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&] { return (this->*M)(info); });
  }

  void init(const Napi::CallbackInfo& info);
  engine::Engine& engine(Napi::Env env);
  engine::Engine& realtimeEngine(Napi::Env env, const char* method);  // ERR_WRONG_CLOCK on a simulated one

  Napi::Value AddInput(const Napi::CallbackInfo& info);
  Napi::Value RemoveInput(const Napi::CallbackInfo& info);
  Napi::Value Set(const Napi::CallbackInfo& info);
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value Writable(const Napi::CallbackInfo& info);
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value Advance(const Napi::CallbackInfo& info);
  Napi::Value Metrics(const Napi::CallbackInfo& info);
  Napi::Value PollEvents(const Napi::CallbackInfo& info);
  Napi::Value OpenTap(const Napi::CallbackInfo& info);
  Napi::Value AddOutput(const Napi::CallbackInfo& info);
  Napi::Value RemoveOutput(const Napi::CallbackInfo& info);
  Napi::Value Record(const Napi::CallbackInfo& info);
  Napi::Value RecorderStatus(const Napi::CallbackInfo& info);
  Napi::Value RecorderEvents(const Napi::CallbackInfo& info);
  Napi::Value StopRecorder(const Napi::CallbackInfo& info);
  consumers::Recorder& recorder(Napi::Env env, std::uint32_t id);  // ERR_NO_SUCH_RECORDER
  void stopRecorders();
  Napi::Value SetDsp(const Napi::CallbackInfo& info);
  Napi::Value SetMasterDsp(const Napi::CallbackInfo& info);
  Napi::Value ResetLoudness(const Napi::CallbackInfo& info);
  Napi::Value Stream(const Napi::CallbackInfo& info);
  Napi::Value StreamTake(const Napi::CallbackInfo& info);
  Napi::Value StreamStats(const Napi::CallbackInfo& info);
  Napi::Value StreamSetMetadata(const Napi::CallbackInfo& info);
  Napi::Value StopStream(const Napi::CallbackInfo& info);
  consumers::Streamer& streamer(Napi::Env env, std::uint32_t id);  // ERR_NO_SUCH_STREAM
  void stopStreamers();
  Napi::Value DeviceStatus(const Napi::CallbackInfo& info);
  Napi::Value PollDeviceFailures(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Stops the engine's threads when the JS environment goes away (worker exit, process exit)
  // even if this object was never collected or its close() is still running on a worker thread.
  static void onEnvCleanup(void* self);
  void removeCleanupHook();
  // The asynchronous close finished (JS thread): forget the engine, release its memory accounting.
  void closeFinished();

  std::shared_ptr<engine::Engine> engine_;   // null once closed (or closing)
  // Recorders read the engine's ring: they are stopped before the engine closes.
  std::map<std::uint32_t, std::shared_ptr<consumers::Recorder>> recorders_;
  std::map<std::uint32_t, std::shared_ptr<consumers::Streamer>> streamers_;  // likewise
  std::shared_ptr<engine::Engine> closing_;  // while close() runs on a worker thread
  napi_env env_ = nullptr;
  std::int64_t externalBytes_ = 0;
  bool cleanupHookRegistered_ = false;

  friend class CloseWorker;
};

}  // namespace ringmix::addon
