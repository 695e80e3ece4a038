#include "async_workers.hpp"

#include "devices/device_errors.hpp"
#include "errors.hpp"
#include "mixer_wrap.hpp"

namespace ringmix::addon {

CloseWorker::CloseWorker(Napi::Env env, MixerWrap* wrap, std::shared_ptr<engine::Engine> engine)
    : Napi::AsyncWorker(env, "ringmix:close"),
      deferred_(Napi::Promise::Deferred::New(env)),
      wrap_(wrap),
      keepWrap_(Napi::Persistent(wrap->Value())),
      engine_(std::move(engine)) {}

Napi::Promise CloseWorker::Start(Napi::Env env, MixerWrap* wrap, std::shared_ptr<engine::Engine> engine) {
  auto* w = new CloseWorker(env, wrap, std::move(engine));  // deletes itself after OnOK/OnError
  Napi::Promise p = w->deferred_.Promise();
  w->Queue();
  return p;
}

void CloseWorker::Execute() {
  try {
    engine_->close();
  } catch (const std::exception& e) {
    SetError(e.what());
  } catch (...) {
    SetError("closing the mixer failed");
  }
}

void CloseWorker::OnOK() {
  engine_.reset();
  wrap_->closeFinished();
  deferred_.Resolve(Env().Undefined());
}

void CloseWorker::OnError(const Napi::Error& e) {
  engine_.reset();
  wrap_->closeFinished();
  deferred_.Reject(withCode(Napi::Error::New(Env(), e.Message()), "ERR_INTERNAL").Value());
}

RescanWorker::RescanWorker(Napi::Env env)
    : Napi::AsyncWorker(env, "ringmix:rescan"), deferred_(Napi::Promise::Deferred::New(env)) {}

Napi::Promise RescanWorker::Start(Napi::Env env) {
  auto* w = new RescanWorker(env);
  Napi::Promise p = w->deferred_.Promise();
  w->Queue();
  return p;
}

void RescanWorker::Execute() {
  try {
    list_ = devices::deviceList(true);
  } catch (const devices::NoBackendError& e) {
    code_ = "ERR_NO_AUDIO_BACKEND";
    SetError(e.what());
  } catch (const devices::DeviceError& e) {
    code_ = "ERR_DEVICE";
    SetError(e.what());
  } catch (const std::exception& e) {
    code_ = "ERR_INTERNAL";
    SetError(e.what());
  }
}

void RescanWorker::OnOK() { deferred_.Resolve(deviceListToJs(Env(), list_)); }

void RescanWorker::OnError(const Napi::Error& e) {
  deferred_.Reject(withCode(Napi::Error::New(Env(), e.Message()), code_.empty() ? "ERR_INTERNAL" : code_.c_str()).Value());
}

Napi::Object deviceListToJs(Napi::Env env, const devices::DeviceList& list) {
  Napi::Array arr = Napi::Array::New(env, list.devices.size());
  for (std::uint32_t i = 0; i < list.devices.size(); ++i) {
    const auto& d = list.devices[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("index", d.index);
    o.Set("name", d.name);
    o.Set("hostApi", d.hostApi);
    o.Set("maxInputChannels", d.maxInputChannels);
    o.Set("maxOutputChannels", d.maxOutputChannels);
    o.Set("defaultSampleRate", d.defaultSampleRate);
    o.Set("isDefaultInput", d.isDefaultInput);
    o.Set("isDefaultOutput", d.isDefaultOutput);
    arr.Set(i, o);
  }
  Napi::Array hosts = Napi::Array::New(env, list.hostApis.size());
  for (std::uint32_t i = 0; i < list.hostApis.size(); ++i) hosts.Set(i, list.hostApis[i]);
  Napi::Object out = Napi::Object::New(env);
  out.Set("devices", arr);
  out.Set("hostApis", hosts);
  out.Set("rescanned", list.rescanned);
  return out;
}

}  // namespace ringmix::addon
