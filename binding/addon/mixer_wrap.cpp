// MixerWrap: construction, lifecycle and closing.
#include "mixer_wrap.hpp"

#include <string>

#include "args.hpp"
#include "async_workers.hpp"

namespace ringmix::addon {

Napi::Function MixerWrap::Define(Napi::Env env) {
  return DefineClass(env, "Mixer",
                     {InstanceMethod<&MixerWrap::guard<&MixerWrap::AddInput>>("addInput"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::RemoveInput>>("removeInput"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::Set>>("set"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::Write>>("write"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::Writable>>("writable"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::Start>>("start"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::Stop>>("stop"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::Advance>>("advance"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::Metrics>>("metrics"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::PollEvents>>("pollEvents"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::OpenTap>>("openTap"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::AddOutput>>("addOutput"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::RemoveOutput>>("removeOutput"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::Record>>("record"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::RecorderStatus>>("recorderStatus"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::RecorderEvents>>("recorderEvents"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::StopRecorder>>("stopRecorder"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::SetDsp>>("setDsp"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::SetMasterDsp>>("setMasterDsp"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::ResetLoudness>>("resetLoudness"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::Stream>>("stream"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::StreamTake>>("streamTake"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::StreamStats>>("streamStats"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::StreamSetMetadata>>("streamSetMetadata"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::StopStream>>("stopStream"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::DeviceStatus>>("deviceStatus"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::PollDeviceFailures>>("pollDeviceFailures"),
                      InstanceMethod<&MixerWrap::guard<&MixerWrap::Close>>("close")});
}

MixerWrap::MixerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MixerWrap>(info), env_(info.Env()) {
  guarded(info.Env(), [&] { init(info); });
}

// new Mixer({ sampleRate, periodFrames, channels, clock: 'virtual' | 'simulated' | 'device',
//             rampMs, meterWindowMs, limiter, deviceIndex, deviceName, hostApi, deviceInputChannels, label })
void MixerWrap::init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object o = objectArg(info, 0, "options");
  engine::EngineConfig c;
  c.sampleRate = static_cast<std::uint32_t>(numberOpt(o, "sampleRate", c.sampleRate, {8000, 192000, true}));
  c.periodFrames = static_cast<std::uint32_t>(numberOpt(o, "periodFrames", c.periodFrames, {16, engine::kMaxPeriodFrames, true}));
  c.channels = static_cast<std::uint32_t>(numberOpt(o, "channels", c.channels, {1, 2, true}));
  c.rampMs = numberOpt(o, "rampMs", c.rampMs, {0, 1000});
  c.meterWindowMs = numberOpt(o, "meterWindowMs", c.meterWindowMs, {1, 10000});
  c.masterLimiter = boolOpt(o, "limiter", c.masterLimiter);
  // The broadcast ring holds at least two seconds.
  std::uint32_t ring = 1;
  while (ring < 2 * c.sampleRate) ring <<= 1;
  c.outputRingFrames = ring;
  const std::string clock = stringOpt(o, "clock", "virtual");
  engine::ClockMode mode;
  engine::DeviceClockSpec device;
  if (clock == "virtual") {
    mode = engine::ClockMode::Virtual;
  } else if (clock == "simulated") {
    mode = engine::ClockMode::Simulated;
  } else if (clock == "device") {
    mode = engine::ClockMode::Device;
    device.device.index = static_cast<int>(numberOpt(o, "deviceIndex", -1, {0, 1e6, true}));
    if (device.device.index < 0) throw typeError(env, "clock 'device' needs deviceIndex");
    device.device.name = stringOpt(o, "deviceName", "");
    device.device.hostApi = stringOpt(o, "hostApi", "");
    device.deviceInputChannels = static_cast<std::uint32_t>(numberOpt(o, "deviceInputChannels", 0, {0, 1024, true}));
    device.label = stringOpt(o, "label", "output clock");
  } else {
    throw rangeError(env, "clock must be 'virtual', 'simulated' or 'device'");
  }
  engine_ = std::make_shared<engine::Engine>(c, mode, device);
  externalBytes_ = static_cast<std::int64_t>(engine_->output().capacity() * sizeof(float));
  Napi::MemoryManagement::AdjustExternalMemory(env, externalBytes_);
  if (napi_add_env_cleanup_hook(env_, &MixerWrap::onEnvCleanup, this) == napi_ok) cleanupHookRegistered_ = true;
}

// A hook runs once and is then forgotten by Node; the destructor removes it if it has not run, so
// `self` is always alive here. Engine::close() is idempotent and waits for a close in progress.
void MixerWrap::onEnvCleanup(void* self) {
  auto* m = static_cast<MixerWrap*>(self);
  m->cleanupHookRegistered_ = false;
  m->stopRecorders();
  m->stopStreamers();
  if (m->engine_) m->engine_->close();
  if (m->closing_) m->closing_->close();
}

void MixerWrap::removeCleanupHook() {
  if (cleanupHookRegistered_) napi_remove_env_cleanup_hook(env_, &MixerWrap::onEnvCleanup, this);
  cleanupHookRegistered_ = false;
}

void MixerWrap::closeFinished() {
  closing_.reset();  // taps keep the engine (its ring) alive through their own reference
  removeCleanupHook();
  if (externalBytes_) Napi::MemoryManagement::AdjustExternalMemory(Napi::Env(env_), -externalBytes_);
  externalBytes_ = 0;
}

// Collected without close() (or with a close still running): finish here, blocking.
MixerWrap::~MixerWrap() {
  stopRecorders();
  stopStreamers();
  if (engine_) engine_->close();
  if (closing_) closing_->close();
  engine_.reset();
  closing_.reset();
  removeCleanupHook();
}

engine::Engine& MixerWrap::engine(Napi::Env env) {
  if (!engine_) throw stateError(env, "ERR_CLOSED", "the mixer is closed");
  return *engine_;
}

Napi::Value MixerWrap::Start(const Napi::CallbackInfo& info) {
  realtimeEngine(info.Env(), "start").start();
  return info.Env().Undefined();
}

Napi::Value MixerWrap::Stop(const Napi::CallbackInfo& info) {
  realtimeEngine(info.Env(), "stop").stop();
  return info.Env().Undefined();
}

engine::Engine& MixerWrap::realtimeEngine(Napi::Env env, const char* method) {
  engine::Engine& e = engine(env);
  if (e.mode() == engine::ClockMode::Simulated)
    throw stateError(env, "ERR_WRONG_CLOCK", std::string(method) + "() is for real-time clocks (use advance())");
  return e;
}

Napi::Value MixerWrap::Advance(const Napi::CallbackInfo& info) {
  const double frames = numberArg(info, 0, "frames", {0, 9007199254740991.0, true});
  engine::Engine& e = engine(info.Env());
  if (e.mode() != engine::ClockMode::Simulated)
    throw stateError(info.Env(), "ERR_WRONG_CLOCK", "advance() is for the simulated clock");
  e.advance(static_cast<std::uint64_t>(frames));
  return info.Env().Undefined();
}

// close() -> Promise<void>: the mixer stops accepting calls at once; stopping its threads and
// streams and freeing its memory happen on a worker thread, so the event loop never waits for
// them. Idempotent: a second call resolves when the first close does.
Napi::Value MixerWrap::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!engine_ && !closing_) {
    auto d = Napi::Promise::Deferred::New(env);
    d.Resolve(env.Undefined());
    return d.Promise();
  }
  stopRecorders();  // what they have is written and their files completed (the disk: milliseconds)
  stopStreamers();
  if (engine_) closing_ = std::move(engine_);
  return CloseWorker::Start(env, this, closing_);
}

}  // namespace ringmix::addon
