// Blocking work moved off the JS thread: closing a mixer (joining its threads, stopping and closing
// its streams) and rescanning devices (re-initialising PortAudio: from a tenth of a second to
// seconds). Each runs on libuv's thread pool and settles a promise on the JS thread.
#pragma once

#include <napi.h>

#include <memory>

#include "devices/device_list.hpp"
#include "engine/control/engine.hpp"

namespace ringmix::addon {

class MixerWrap;

class CloseWorker : public Napi::AsyncWorker {
 public:
  // Returns the promise; `engine` is closed on a worker thread, then `wrap` is told (JS thread).
  static Napi::Promise Start(Napi::Env env, MixerWrap* wrap, std::shared_ptr<engine::Engine> engine);

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override;

 private:
  CloseWorker(Napi::Env env, MixerWrap* wrap, std::shared_ptr<engine::Engine> engine);
  Napi::Promise::Deferred deferred_;
  MixerWrap* wrap_;
  Napi::ObjectReference keepWrap_;  // the wrap stays alive until OnOK
  std::shared_ptr<engine::Engine> engine_;
};

class RescanWorker : public Napi::AsyncWorker {
 public:
  // Returns a promise of { devices, hostApis, rescanned } after a rescan on a worker thread.
  static Napi::Promise Start(Napi::Env env);

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override;

 private:
  explicit RescanWorker(Napi::Env env);
  Napi::Promise::Deferred deferred_;
  devices::DeviceList list_;
  std::string code_;  // the error's code, when Execute failed
};

// { devices: [...], hostApis: [...], rescanned } for JS.
Napi::Object deviceListToJs(Napi::Env env, const devices::DeviceList& list);

}  // namespace ringmix::addon
