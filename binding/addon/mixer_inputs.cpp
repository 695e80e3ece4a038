// MixerWrap: inputs and their controls.
#include <string>

#include "args.hpp"
#include "dsp_args.hpp"
#include "mixer_wrap.hpp"

namespace ringmix::addon {

namespace {

engine::GeneratorKind generatorKind(Napi::Env env, const std::string& g) {
  if (g == "sine") return engine::GeneratorKind::Sine;
  if (g == "noise") return engine::GeneratorKind::Noise;
  if (g == "silence") return engine::GeneratorKind::Silence;
  if (g == "impulses") return engine::GeneratorKind::Impulses;
  throw rangeError(env, "generator must be 'sine', 'noise', 'silence' or 'impulses'");
}

std::vector<std::uint32_t> deviceChannels(Napi::Env env, const Napi::Object& o) {
  const Napi::Value v = ownProp(o, "deviceChannels");
  if (!v.IsArray()) throw typeError(env, "deviceChannels must be an array");
  const Napi::Array a = v.As<Napi::Array>();
  if (a.Length() < 1 || a.Length() > 2) throw rangeError(env, "deviceChannels takes 1 or 2 channels");
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < a.Length(); ++i)
    out.push_back(static_cast<std::uint32_t>(checkedNumber(env, a.Get(i), "deviceChannels[" + std::to_string(i) + "]", {0, 1023, true})));
  return out;
}

}  // namespace

// addInput({ kind: 'generator', generator, frequency, levelDb, intervalMs, clockPpm, ...common })
// addInput({ kind: 'push', channels, ...common })
// addInput({ kind: 'device', deviceIndex, deviceName, hostApi, deviceChannels, deviceRate, label, ...common }) -> id
// common: gainDb, pan, muted, solo, compensateDrift, targetLatencyMs, dsp (see dsp_args.hpp)
Napi::Value MixerWrap::AddInput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const Napi::Object o = objectArg(info, 0, "input");
  engine::InputSpec spec;
  const std::string kind = stringOpt(o, "kind", "");
  const double rate = e.config().sampleRate;
  if (kind == "generator") {
    spec.kind = engine::InputSpec::Kind::Generator;
    spec.generator.kind = generatorKind(env, stringOpt(o, "generator", "sine"));
    spec.generator.frequency = numberOpt(o, "frequency", spec.generator.frequency, {0, rate / 2});
    if (spec.generator.frequency <= 0 || spec.generator.frequency >= rate / 2)
      throw rangeError(env, "frequency must be above 0 and below half the sample rate");
    spec.generator.levelDb = numberOpt(o, "levelDb", spec.generator.levelDb, {-144, 0});
    spec.generator.intervalMs = numberOpt(o, "intervalMs", spec.generator.intervalMs, {1, 60000});
    spec.clockPpm = numberOpt(o, "clockPpm", 0.0, {-100000, 100000});
  } else if (kind == "push") {
    spec.kind = engine::InputSpec::Kind::Push;
    spec.channels = static_cast<std::uint32_t>(numberOpt(o, "channels", 1, {1, 2, true}));
  } else if (kind == "device") {
    spec.kind = engine::InputSpec::Kind::Device;
    const Napi::Value index = ownProp(o, "deviceIndex");
    spec.device.index = static_cast<int>(checkedNumber(env, index, "deviceIndex", {0, 1e6, true}));
    spec.device.name = stringOpt(o, "deviceName", "");
    spec.device.hostApi = stringOpt(o, "hostApi", "");
    spec.deviceRate = static_cast<std::uint32_t>(numberOpt(o, "deviceRate", 0, {0, 384000, true}));
    if (spec.deviceRate != 0 && spec.deviceRate < 8000) throw rangeError(env, "deviceRate must be 0 or from 8000");
    spec.label = stringOpt(o, "label", "input");
    spec.deviceChannels = deviceChannels(env, o);
  } else {
    throw rangeError(env, "kind must be 'generator', 'push' or 'device'");
  }
  spec.strip.gainDb = numberOpt(o, "gainDb", 0.0, kGainDb);
  spec.strip.pan = numberOpt(o, "pan", 0.0, kPan);
  spec.strip.muted = boolOpt(o, "muted", false);
  spec.strip.solo = boolOpt(o, "solo", false);
  if (const Napi::Value dsp = ownProp(o, "dsp"); !dsp.IsUndefined()) {
    if (!dsp.IsObject() || dsp.IsArray()) throw typeError(env, "dsp must be an object");
    spec.dsp = DspArgs(env, rate).input(dsp.As<Napi::Object>(), "dsp");
  }
  if (!ownProp(o, "compensateDrift").IsUndefined()) spec.compensateDrift = boolOpt(o, "compensateDrift", false);
  spec.targetLatencyMs = numberOpt(o, "targetLatencyMs", 0.0, {0, 2000});
  return Napi::Number::New(env, e.addInput(spec));
}

Napi::Value MixerWrap::RemoveInput(const Napi::CallbackInfo& info) {
  const std::uint32_t id = idArg(info, 0);
  engine(info.Env()).removeInput(id);
  return info.Env().Undefined();
}

// set(name, id, value): name is gainDb | pan | muted | solo | clockPpm (id: an input) or masterGainDb
// (id ignored).
Napi::Value MixerWrap::Set(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  if (info.Length() < 3 || !info[0].IsString()) throw typeError(env, "set(name, id, value) needs a parameter name");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  const std::uint32_t id = idArg(info, 1);
  auto flag = [&] {
    if (!info[2].IsBoolean()) throw typeError(env, name + " must be a boolean");
    return info[2].As<Napi::Boolean>().Value() ? 1.0 : 0.0;
  };
  if (name == "gainDb") e.setStrip(id, engine::StripParam::GainDb, numberArg(info, 2, name, kGainDb));
  else if (name == "pan") e.setStrip(id, engine::StripParam::Pan, numberArg(info, 2, name, kPan));
  else if (name == "muted") e.setStrip(id, engine::StripParam::Muted, flag());
  else if (name == "solo") e.setStrip(id, engine::StripParam::Solo, flag());
  else if (name == "masterGainDb") e.setMasterGainDb(numberArg(info, 2, name, kGainDb));
  else if (name == "clockPpm") {
    if (!e.setClockPpm(id, numberArg(info, 2, name, {-100000, 100000}))) throw typeError(env, "clockPpm is only for generator inputs");
  } else throw rangeError(env, "unknown parameter '" + name + "' (gainDb, pan, muted, solo, clockPpm, masterGainDb)");
  return env.Undefined();
}

// write(id, Float32Array, channels) -> frames accepted. `channels` must be the input's own.
Napi::Value MixerWrap::Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const std::uint32_t id = idArg(info, 0);
  if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw typeError(env, "data must be a Float32Array");
  const Napi::Float32Array data = info[1].As<Napi::Float32Array>();
  const auto channels = static_cast<std::uint32_t>(numberArg(info, 2, "channels", {1, 2, true}));
  if (!e.isPushInput(id)) throw typeError(env, "write() is only for push inputs");
  if (channels != e.inputChannels(id))
    throw rangeError(env, "channels (" + std::to_string(channels) + ") must be the input's own (" +
                              std::to_string(e.inputChannels(id)) + ")");
  if (data.ElementLength() % channels != 0) throw rangeError(env, "data length must be a multiple of the input's channels");
  if (data.ArrayBuffer().IsDetached()) throw typeError(env, "data's buffer is detached (it was transferred)");
  if (data.ElementLength() == 0) return Napi::Number::New(env, 0);
  return Napi::Number::New(env, static_cast<double>(e.writeInput(id, data.Data(), data.ElementLength() / channels)));
}

Napi::Value MixerWrap::Writable(const Napi::CallbackInfo& info) {
  const std::uint32_t id = idArg(info, 0);
  engine::Engine& e = engine(info.Env());
  if (!e.isPushInput(id)) throw typeError(info.Env(), "writable() is only for push inputs");
  return Napi::Number::New(info.Env(), static_cast<double>(e.inputWritableFrames(id)));
}

}  // namespace ringmix::addon
