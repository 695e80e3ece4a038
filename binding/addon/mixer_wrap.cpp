#include "mixer_wrap.hpp"

#include <cmath>
#include <string>

#include "addon.hpp"
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

Napi::Error stateError(Napi::Env env, const char* code, const std::string& msg) {
  Napi::Error e = Napi::Error::New(env, msg);
  e.Value().Set("code", code);
  return e;
}

}  // namespace

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
  if (clock == "virtual") mode = engine::ClockMode::Virtual;
  else if (clock == "simulated") mode = engine::ClockMode::Simulated;
  else throw rangeError(env, "clock must be 'virtual' or 'simulated'");
  engine_ = std::make_shared<engine::Engine>(c, mode);
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
  } else {
    throw rangeError(env, "kind must be 'generator' or 'push'");
  }
  spec.strip.gainDb = numberProp(o, "gainDb", 0.0);
  spec.strip.pan = numberProp(o, "pan", 0.0);
  spec.strip.muted = boolProp(o, "muted", false);
  spec.strip.solo = boolProp(o, "solo", false);
  try {
    return Napi::Number::New(env, e.addInput(spec));
  } catch (const engine::TooManyInputsError&) {
    throw stateError(env, "ERR_TOO_MANY_INPUTS",
                     "a mixer holds at most " + std::to_string(engine::kMaxInputs) + " inputs");
  } catch (const engine::QueueFullError&) {
    throw stateError(env, "ERR_QUEUE_FULL", "the command queue is full: the mix is not draining it");
  }
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
  try {
    e.set(t, id, value);
  } catch (const engine::QueueFullError&) {
    throw stateError(env, "ERR_QUEUE_FULL", "the command queue is full: the mix is not draining it");
  }
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
  engine(info.Env()).start();
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
