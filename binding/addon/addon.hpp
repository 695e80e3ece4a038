// The addon instance: one per JS environment (main thread or worker), so the addon is
// context-aware. It also keeps the constructors the glue needs to create objects from C++.
#pragma once

#include <napi.h>

#include "errors.hpp"

namespace ringmix::addon {

class RingmixAddon : public Napi::Addon<RingmixAddon> {
 public:
  RingmixAddon(Napi::Env env, Napi::Object exports);

  static RingmixAddon& of(Napi::Env env) { return *env.GetInstanceData<RingmixAddon>(); }

  Napi::FunctionReference tapConstructor;

 private:
  using Method = Napi::Value (RingmixAddon::*)(const Napi::CallbackInfo&);
  template <Method M>
  Napi::Value guard(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&] { return (this->*M)(info); });
  }

  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value RtGuardCounts(const Napi::CallbackInfo& info);
  Napi::Value RtGuardSelfTest(const Napi::CallbackInfo& info);
  Napi::Value RtGuardReset(const Napi::CallbackInfo& info);
  Napi::Value ListDevices(const Napi::CallbackInfo& info);
  Napi::Value RescanDevices(const Napi::CallbackInfo& info);
};

}  // namespace ringmix::addon
