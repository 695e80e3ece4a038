// MixerWrap: the JS handle on an engine::Engine. Argument shapes are validated by the TypeScript
// layer (lib/); the checks here only keep a direct caller from crashing the process.
#pragma once

#include <napi.h>

#include <memory>

#include "engine/engine.hpp"

namespace ringmix::addon {

class MixerWrap : public Napi::ObjectWrap<MixerWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit MixerWrap(const Napi::CallbackInfo& info);
  ~MixerWrap() override;

 private:
  engine::Engine& engine(Napi::Env env);

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
  Napi::Value DeviceStatus(const Napi::CallbackInfo& info);
  Napi::Value PollDeviceFailures(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Stops the engine's threads when the JS environment goes away (worker exit, process exit)
  // even if this object was never collected. Registered while the engine is open.
  static void onEnvCleanup(void* self);
  void removeCleanupHook();

  // Tells V8 about the engine's native memory so the GC weighs it (released at close).
  void releaseEngine();

  std::shared_ptr<engine::Engine> engine_;
  napi_env env_;
  std::int64_t externalBytes_ = 0;
  bool cleanupHookRegistered_ = false;
};

}  // namespace ringmix::addon
