// MixerWrap: consumers of the mix: taps (JS readers) and extra output devices.
#include <string>

#include "addon.hpp"
#include "args.hpp"
#include "mixer_wrap.hpp"
#include "tap_wrap.hpp"

namespace ringmix::addon {

// openTap(capacityFrames) -> Tap (its id shares the consumers' id space with outputs)
Napi::Value MixerWrap::OpenTap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const auto frames = static_cast<std::size_t>(numberArg(info, 0, "capacityFrames", {1, 1 << 24, true}));
  Napi::Object tap = RingmixAddon::of(env).tapConstructor.New({Napi::External<void>::New(env, TapWrap::constructionToken())});
  TapWrap::Unwrap(tap)->attach(engine_, frames, e.newConsumerId());
  return tap;
}

// addOutput({ deviceIndex, deviceName, hostApi }, deviceChannels, deviceRate, label,
//           { compensateDrift?, targetLatencyMs? }?) -> consumer id
Napi::Value MixerWrap::AddOutput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  if (e.mode() == engine::ClockMode::Simulated)
    throw stateError(env, "ERR_WRONG_CLOCK", "outputs need a real-time clock");
  const Napi::Object d = objectArg(info, 0, "device");
  devices::DeviceRef ref;
  ref.index = static_cast<int>(checkedNumber(env, ownProp(d, "deviceIndex"), "deviceIndex", {0, 1e6, true}));
  ref.name = stringOpt(d, "deviceName", "");
  ref.hostApi = stringOpt(d, "hostApi", "");
  const auto channels = static_cast<std::uint32_t>(numberArg(info, 1, "deviceChannels", {1, 64, true}));
  const auto rate = static_cast<std::uint32_t>(numberArg(info, 2, "deviceRate", {0, 384000, true}));
  if (rate != 0 && rate < 8000) throw rangeError(env, "deviceRate must be 0 or from 8000");
  if (info.Length() > 3 && !info[3].IsUndefined() && !info[3].IsString()) throw typeError(env, "label must be a string");
  const std::string label = info.Length() > 3 && info[3].IsString() ? info[3].As<Napi::String>().Utf8Value() : "output";
  engine::OutputDriftSpec drift;
  if (info.Length() > 4 && !info[4].IsUndefined()) {
    const Napi::Object o = objectArg(info, 4, "drift options");
    if (!ownProp(o, "compensateDrift").IsUndefined()) drift.compensateDrift = boolOpt(o, "compensateDrift", true);
    drift.targetLatencyMs = numberOpt(o, "targetLatencyMs", 0.0, {0, 2000});
  }
  return Napi::Number::New(env, e.addOutput(ref, channels, rate, label, drift));
}

Napi::Value MixerWrap::RemoveOutput(const Napi::CallbackInfo& info) {
  const std::uint32_t id = idArg(info, 0);
  engine(info.Env()).removeOutput(id);
  return info.Env().Undefined();
}

}  // namespace ringmix::addon
