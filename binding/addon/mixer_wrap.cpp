#include "mixer_wrap.hpp"

#include <cmath>
#include <string>

#include "addon.hpp"
#include "devices/portaudio_api.hpp"
#include "errors.hpp"
#include "tap_wrap.hpp"

namespace ringmix::addon {

using engine::CommandType;

namespace {

double numberProp(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throw typeError(o.Env(), std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

bool boolProp(const Napi::Object& o, const char* key, bool fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) throw typeError(o.Env(), std::string(key) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

std::string stringProp(const Napi::Object& o, const char* key, const char* fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsString()) throw typeError(o.Env(), std::string(key) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

Napi::Object requireObject(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsObject())
    throw typeError(info.Env(), std::string(name) + " must be an object");
  return info[i].As<Napi::Object>();
}

std::uint32_t requireId(const Napi::CallbackInfo& info, std::size_t i) {
  const double v = requireNumber(info, i, "id");
  if (!(v >= 0 && v <= 4294967295.0) || v != std::floor(v)) throw rangeError(info.Env(), "bad input id");
  return static_cast<std::uint32_t>(v);
}

Napi::Array dbArray(Napi::Env env, const float* v, std::uint32_t n) {
  Napi::Array a = Napi::Array::New(env, n);
  for (std::uint32_t i = 0; i < n; ++i) a.Set(i, static_cast<double>(v[i]));
  return a;
}

}  // namespace

// Runs fn, turning the engine's C++ errors into JS errors with stable codes.
template <class Fn>
auto guarded(Napi::Env env, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const engine::TooManyInputsError&) {
    throw stateError(env, "ERR_TOO_MANY_INPUTS",
                     "a mixer holds at most " + std::to_string(engine::kMaxInputs) + " inputs");
  } catch (const engine::QueueFullError&) {
    throw stateError(env, "ERR_QUEUE_FULL", "the command queue is full: the mix is not draining it");
  } catch (const devices::NoBackendError& e) {
    throw stateError(env, "ERR_NO_AUDIO_BACKEND", e.what());
  } catch (const devices::DeviceError& e) {
    throw stateError(env, "ERR_DEVICE", e.what());
  } catch (const std::runtime_error& e) {
    throw stateError(env, "ERR_DEVICE", e.what());
  }
}

Napi::Function MixerWrap::Define(Napi::Env env) {
  return DefineClass(env, "Mixer",
                     {InstanceMethod<&MixerWrap::AddInput>("addInput"),
                      InstanceMethod<&MixerWrap::RemoveInput>("removeInput"),
                      InstanceMethod<&MixerWrap::Set>("set"),
                      InstanceMethod<&MixerWrap::Write>("write"),
                      InstanceMethod<&MixerWrap::Writable>("writable"),
                      InstanceMethod<&MixerWrap::Start>("start"),
                      InstanceMethod<&MixerWrap::Stop>("stop"),
                      InstanceMethod<&MixerWrap::Advance>("advance"),
                      InstanceMethod<&MixerWrap::Metrics>("metrics"),
                      InstanceMethod<&MixerWrap::PollEvents>("pollEvents"),
                      InstanceMethod<&MixerWrap::OpenTap>("openTap"),
                      InstanceMethod<&MixerWrap::AddOutput>("addOutput"),
                      InstanceMethod<&MixerWrap::RemoveOutput>("removeOutput"),
                      InstanceMethod<&MixerWrap::DeviceStatus>("deviceStatus"),
                      InstanceMethod<&MixerWrap::PollDeviceFailures>("pollDeviceFailures"),
                      InstanceMethod<&MixerWrap::Close>("close")});
}

// new Mixer({ sampleRate, periodFrames, channels, clock: 'virtual' | 'simulated', rampMs, meterWindowMs })
MixerWrap::MixerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MixerWrap>(info), env_(info.Env()) {
  Napi::Env env = info.Env();
  Napi::Object o = requireObject(info, 0, "options");
  engine::EngineConfig c;
  c.sampleRate = static_cast<std::uint32_t>(numberProp(o, "sampleRate", c.sampleRate));
  c.periodFrames = static_cast<std::uint32_t>(numberProp(o, "periodFrames", c.periodFrames));
  c.channels = static_cast<std::uint32_t>(numberProp(o, "channels", c.channels));
  c.rampMs = numberProp(o, "rampMs", c.rampMs);
  c.meterWindowMs = numberProp(o, "meterWindowMs", c.meterWindowMs);
  if (c.sampleRate < 8000 || c.sampleRate > 192000) throw rangeError(env, "sampleRate out of range");
  if (c.periodFrames < 16 || c.periodFrames > engine::kMaxPeriodFrames)
    throw rangeError(env, "periodFrames out of range");
  if (c.channels < 1 || c.channels > 2) throw rangeError(env, "channels must be 1 or 2");
  // The broadcast ring holds at least two seconds.
  std::uint32_t ring = 1;
  while (ring < 2 * c.sampleRate) ring <<= 1;
  c.outputRingFrames = ring;
  const std::string clock = stringProp(o, "clock", "virtual");
  engine::ClockMode mode;
  engine::DeviceClockSpec device;
  if (clock == "virtual") mode = engine::ClockMode::Virtual;
  else if (clock == "simulated") mode = engine::ClockMode::Simulated;
  else if (clock == "device") {
    mode = engine::ClockMode::Device;
    device.device = static_cast<int>(numberProp(o, "deviceIndex", -1));
    device.deviceInputChannels = static_cast<std::uint32_t>(numberProp(o, "deviceInputChannels", 0));
    device.label = stringProp(o, "label", "output clock");
  } else throw rangeError(env, "clock must be 'virtual', 'simulated' or 'device'");
  engine_ = std::make_shared<engine::Engine>(c, mode, device);
  externalBytes_ = static_cast<std::int64_t>(engine_->output().capacity() * sizeof(float));
  Napi::MemoryManagement::AdjustExternalMemory(env, externalBytes_);
  if (napi_add_env_cleanup_hook(env_, &MixerWrap::onEnvCleanup, this) == napi_ok)
    cleanupHookRegistered_ = true;
}

// A hook runs once and is then forgotten by Node; the destructor removes it if it has not run, so
// `self` is always alive here.
void MixerWrap::onEnvCleanup(void* self) {
  auto* m = static_cast<MixerWrap*>(self);
  m->cleanupHookRegistered_ = false;
  if (m->engine_) m->engine_->close();
}

void MixerWrap::removeCleanupHook() {
  if (cleanupHookRegistered_) napi_remove_env_cleanup_hook(env_, &MixerWrap::onEnvCleanup, this);
  cleanupHookRegistered_ = false;
}

void MixerWrap::releaseEngine() {
  if (!engine_) return;
  engine_->close();
  removeCleanupHook();
  engine_.reset();  // taps keep the ring alive through their own reference until they close
  Napi::MemoryManagement::AdjustExternalMemory(Napi::Env(env_), -externalBytes_);
  externalBytes_ = 0;
}

MixerWrap::~MixerWrap() { releaseEngine(); }

engine::Engine& MixerWrap::engine(Napi::Env env) {
  if (!engine_) throw stateError(env, "ERR_CLOSED", "the mixer is closed");
  return *engine_;
}

// addInput({ kind: 'generator', generator, frequency, levelDb, intervalMs, clockPpm, ...strip })
// addInput({ kind: 'push', channels, ...strip }) -> id
Napi::Value MixerWrap::AddInput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  Napi::Object o = requireObject(info, 0, "input");
  engine::InputSpec spec;
  const std::string kind = stringProp(o, "kind", "");
  if (kind == "generator") {
    spec.kind = engine::InputSpec::Kind::Generator;
    const std::string g = stringProp(o, "generator", "sine");
    if (g == "sine") spec.generator.kind = engine::GeneratorKind::Sine;
    else if (g == "noise") spec.generator.kind = engine::GeneratorKind::Noise;
    else if (g == "silence") spec.generator.kind = engine::GeneratorKind::Silence;
    else if (g == "impulses") spec.generator.kind = engine::GeneratorKind::Impulses;
    else throw rangeError(env, "unknown generator");
    spec.generator.frequency = numberProp(o, "frequency", spec.generator.frequency);
    spec.generator.levelDb = numberProp(o, "levelDb", spec.generator.levelDb);
    spec.generator.intervalMs = numberProp(o, "intervalMs", spec.generator.intervalMs);
    spec.clockPpm = numberProp(o, "clockPpm", 0.0);
  } else if (kind == "push") {
    spec.kind = engine::InputSpec::Kind::Push;
    spec.channels = static_cast<std::uint32_t>(numberProp(o, "channels", 1));
    if (spec.channels < 1 || spec.channels > 2) throw rangeError(env, "channels must be 1 or 2");
  } else if (kind == "device") {
    spec.kind = engine::InputSpec::Kind::Device;
    spec.deviceIndex = static_cast<int>(numberProp(o, "deviceIndex", -1));
    spec.deviceRate = static_cast<std::uint32_t>(numberProp(o, "deviceRate", 0));
    spec.label = stringProp(o, "label", "input");
    Napi::Value chans = o.Get("deviceChannels");
    if (!chans.IsArray()) throw typeError(env, "deviceChannels must be an array");
    Napi::Array a = chans.As<Napi::Array>();
    if (a.Length() < 1 || a.Length() > 2) throw rangeError(env, "deviceChannels takes 1 or 2 channels");
    for (std::uint32_t i = 0; i < a.Length(); ++i) {
      Napi::Value v = a.Get(i);
      if (!v.IsNumber() || v.As<Napi::Number>().DoubleValue() < 0) throw rangeError(env, "bad device channel");
      spec.deviceChannels.push_back(static_cast<std::uint32_t>(v.As<Napi::Number>().DoubleValue()));
    }
  } else {
    throw rangeError(env, "kind must be 'generator', 'push' or 'device'");
  }
  spec.strip.gainDb = numberProp(o, "gainDb", 0.0);
  spec.strip.pan = numberProp(o, "pan", 0.0);
  spec.strip.muted = boolProp(o, "muted", false);
  spec.strip.solo = boolProp(o, "solo", false);
  return Napi::Number::New(env, guarded(env, [&] { return e.addInput(spec); }));
}

Napi::Value MixerWrap::RemoveInput(const Napi::CallbackInfo& info) {
  engine(info.Env()).removeInput(requireId(info, 0));
  return info.Env().Undefined();
}

// set(name, id, value): name is gainDb | pan | muted | solo | masterGainDb.
Napi::Value MixerWrap::Set(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  if (info.Length() < 3 || !info[0].IsString()) throw typeError(env, "set(name, id, value)");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  const std::uint32_t id = requireId(info, 1);
  double value;
  if (info[2].IsBoolean()) value = info[2].As<Napi::Boolean>().Value() ? 1.0 : 0.0;
  else value = requireNumber(info, 2, "value");
  CommandType t;
  if (name == "gainDb") t = CommandType::SetGainDb;
  else if (name == "pan") t = CommandType::SetPan;
  else if (name == "muted") t = CommandType::SetMuted;
  else if (name == "solo") t = CommandType::SetSolo;
  else if (name == "masterGainDb") t = CommandType::SetMasterGainDb;
  else throw rangeError(env, "unknown parameter " + name);
  guarded(env, [&] { e.set(t, id, value); });
  return env.Undefined();
}

// write(id, Float32Array) -> frames accepted
Napi::Value MixerWrap::Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const std::uint32_t id = requireId(info, 0);
  if (info.Length() < 2 || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw typeError(env, "data must be a Float32Array");
  Napi::Float32Array data = info[1].As<Napi::Float32Array>();
  const double channels = requireNumber(info, 2, "channels");
  const auto ch = static_cast<std::size_t>(channels);
  if (ch < 1 || ch > 2 || data.ElementLength() % ch != 0)
    throw rangeError(env, "data length must be a multiple of the input's channels");
  return Napi::Number::New(env, static_cast<double>(e.writeInput(id, data.Data(), data.ElementLength() / ch)));
}

Napi::Value MixerWrap::Writable(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(),
                           static_cast<double>(engine(info.Env()).inputWritableFrames(requireId(info, 0))));
}

Napi::Value MixerWrap::Start(const Napi::CallbackInfo& info) {
  engine::Engine& e = engine(info.Env());
  guarded(info.Env(), [&] { e.start(); });
  return info.Env().Undefined();
}

Napi::Value MixerWrap::Stop(const Napi::CallbackInfo& info) {
  engine(info.Env()).stop();
  return info.Env().Undefined();
}

Napi::Value MixerWrap::Advance(const Napi::CallbackInfo& info) {
  const double frames = requireNumber(info, 0, "frames");
  if (!(frames >= 0 && frames <= 9007199254740991.0) || frames != std::floor(frames))
    throw rangeError(info.Env(), "frames must be a non-negative integer");
  engine(info.Env()).advance(static_cast<std::uint64_t>(frames));
  return info.Env().Undefined();
}

Napi::Value MixerWrap::Metrics(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const engine::MetricsFrame m = e.metrics();
  const std::uint32_t ch = e.config().channels;
  Napi::Object o = Napi::Object::New(env);
  o.Set("frames", static_cast<double>(m.frames));
  o.Set("cycles", static_cast<double>(m.cycles));
  o.Set("xruns", static_cast<double>(m.xruns));
  o.Set("dspLoad", m.dspLoad);
  Napi::Object cycleUs = Napi::Object::New(env);
  cycleUs.Set("mean", m.cycleUsMean);
  cycleUs.Set("max", m.cycleUsMax);
  o.Set("cycleUs", cycleUs);
  Napi::Object lateUs = Napi::Object::New(env);
  lateUs.Set("mean", m.lateUsMean);
  lateUs.Set("max", m.lateUsMax);
  o.Set("lateUs", lateUs);
  o.Set("realtimePriority", m.realtimePriority != 0);
  o.Set("droppedEvents", static_cast<double>(e.droppedEvents()));
  Napi::Array inputs = Napi::Array::New(env, m.inputCount);
  for (std::uint32_t i = 0; i < m.inputCount && i < engine::kMaxInputs; ++i) {
    const engine::InputMetrics& im = m.inputs[i];
    Napi::Object x = Napi::Object::New(env);
    x.Set("id", im.id);
    x.Set("peakDb", dbArray(env, im.peakDb, im.channels));
    x.Set("rmsDb", dbArray(env, im.rmsDb, im.channels));
    x.Set("fillFrames", im.fillFrames);
    x.Set("underruns", static_cast<double>(im.underruns));
    x.Set("overruns", static_cast<double>(im.overruns));
    inputs.Set(i, x);
  }
  o.Set("inputs", inputs);
  Napi::Object master = Napi::Object::New(env);
  master.Set("peakDb", dbArray(env, m.masterPeakDb, ch));
  master.Set("rmsDb", dbArray(env, m.masterRmsDb, ch));
  o.Set("master", master);
  return o;
}

// pollEvents() -> [{ type: 'xrun', frame, value }]
Napi::Value MixerWrap::PollEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  Napi::Array out = Napi::Array::New(env);
  engine::Event ev;
  std::uint32_t n = 0;
  while (e.pollEvent(ev)) {
    Napi::Object o = Napi::Object::New(env);
    switch (ev.type) {
      case engine::EventType::Xrun: o.Set("type", "xrun"); break;
    }
    o.Set("id", ev.id);
    o.Set("frame", static_cast<double>(ev.frame));
    o.Set("value", ev.value);
    out.Set(n++, o);
  }
  return out;
}

Napi::Value MixerWrap::OpenTap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine(env);
  const double frames = requireNumber(info, 0, "capacityFrames");
  if (!(frames >= 1) || frames != std::floor(frames)) throw rangeError(env, "capacityFrames must be a positive integer");
  Napi::Object tap = RingmixAddon::of(env).tapConstructor.New({});
  TapWrap::Unwrap(tap)->attach(engine_, static_cast<std::size_t>(frames));
  return tap;
}

Napi::Value MixerWrap::Close(const Napi::CallbackInfo& info) {
  releaseEngine();
  return info.Env().Undefined();
}

}  // namespace ringmix::addon

namespace ringmix::addon {

// addOutput(deviceIndex, deviceChannels, deviceRate, label) -> id
Napi::Value MixerWrap::AddOutput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const int device = static_cast<int>(requireNumber(info, 0, "deviceIndex"));
  const auto channels = static_cast<std::uint32_t>(requireNumber(info, 1, "deviceChannels"));
  const auto rate = static_cast<std::uint32_t>(requireNumber(info, 2, "deviceRate"));
  const std::string label = info.Length() > 3 && info[3].IsString() ? info[3].As<Napi::String>().Utf8Value() : "output";
  if (channels < 1 || channels > 64) throw rangeError(env, "deviceChannels out of range");
  return Napi::Number::New(env, guarded(env, [&] { return e.addOutput(device, channels, rate, label); }));
}

Napi::Value MixerWrap::RemoveOutput(const Napi::CallbackInfo& info) {
  engine(info.Env()).removeOutput(requireId(info, 0));
  return info.Env().Undefined();
}

namespace {
const char* kindName(engine::DeviceStatus::Kind k) {
  switch (k) {
    case engine::DeviceStatus::Kind::Clock: return "clock";
    case engine::DeviceStatus::Kind::Input: return "input";
    case engine::DeviceStatus::Kind::Output: return "output";
  }
  return "?";
}
}  // namespace

Napi::Value MixerWrap::DeviceStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto list = engine(env).deviceStatus();
  Napi::Array out = Napi::Array::New(env, list.size());
  for (std::uint32_t i = 0; i < list.size(); ++i) {
    const auto& d = list[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("kind", kindName(d.kind));
    o.Set("id", d.id);
    o.Set("failed", d.failed);
    o.Set("callbacks", static_cast<double>(d.callbacks));
    o.Set("overflows", static_cast<double>(d.overflows));
    o.Set("underflows", static_cast<double>(d.underflows));
    o.Set("lostFrames", static_cast<double>(d.lostFrames));
    o.Set("dropouts", static_cast<double>(d.dropouts));
    o.Set("lagFrames", static_cast<double>(d.lagFrames));
    o.Set("latencyMs", d.latencyMs);
    o.Set("sampleRate", d.sampleRate);
    out.Set(i, o);
  }
  return out;
}

Napi::Value MixerWrap::PollDeviceFailures(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto list = engine(env).pollDeviceFailures();
  Napi::Array out = Napi::Array::New(env, list.size());
  for (std::uint32_t i = 0; i < list.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("kind", kindName(list[i].kind));
    o.Set("id", list[i].id);
    o.Set("message", list[i].message);
    out.Set(i, o);
  }
  return out;
}

}  // namespace ringmix::addon
