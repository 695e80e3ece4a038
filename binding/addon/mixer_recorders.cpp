// MixerWrap: recorders (consumers/recorder.hpp). Each writes the mix to files on a thread of its
// own; this side starts them, reports their status and events, and stops them off the event loop.
#include <functional>
#include <map>
#include <string>

#include "args.hpp"
#include "consumer_args.hpp"
#include "mixer_wrap.hpp"

namespace ringmix::addon {

namespace {

Napi::Value resultToJs(Napi::Env env, const consumers::RecorderResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("frames", static_cast<double>(r.frames));
  o.Set("dropouts", static_cast<double>(r.dropouts));
  o.Set("lostFrames", static_cast<double>(r.lostFrames));
  Napi::Array files = Napi::Array::New(env, r.files.size());
  for (std::size_t i = 0; i < r.files.size(); ++i) files.Set(static_cast<std::uint32_t>(i), r.files[i]);
  o.Set("files", files);
  return o;
}

// Joins a recorder's thread (which writes what is left and completes the file) on libuv's pool.
class RecorderStopWorker : public Napi::AsyncWorker {
 public:
  // `owner`: the mixer's JS object, kept alive until `done` has run on the JS thread.
  RecorderStopWorker(Napi::Env env, Napi::Object owner, std::shared_ptr<consumers::Recorder> recorder,
                     std::function<void()> done)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), keepOwner_(Napi::Persistent(owner)),
        recorder_(std::move(recorder)), done_(std::move(done)) {}
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override { result_ = recorder_->stop(); }
  void OnOK() override {
    done_();
    deferred_.Resolve(resultToJs(Env(), result_));
  }
  void OnError(const Napi::Error& e) override {
    done_();
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference keepOwner_;
  std::shared_ptr<consumers::Recorder> recorder_;
  std::function<void()> done_;
  consumers::RecorderResult result_;
};

}  // namespace

// record({ path, format, bitDepth?, bitrateKbps?, splitSeconds?, metadata? }) -> consumer id
Napi::Value MixerWrap::Record(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const Napi::Object o = objectArg(info, 0, "recording options");
  consumers::RecorderOptions ro;
  ro.file.path = stringOpt(o, "path", "");
  if (ro.file.path.empty()) throw typeError(env, "path must be a non-empty string");
  ro.file.format = formatArg(env, stringOpt(o, "format", "wav"));
  ro.file.bitDepth = static_cast<int>(numberOpt(o, "bitDepth", 24, {16, 32, true}));
  ro.file.bitrateKbps = static_cast<int>(numberOpt(o, "bitrateKbps", 0, {0, 640, true}));
  ro.splitSeconds = numberOpt(o, "splitSeconds", 0, {0, 1e7});
  ro.file.metadata = metadataOpt(env, o, "metadata");
  ro.file.sampleRate = e.config().sampleRate;
  ro.file.channels = e.config().channels;
  ro.lossless = e.mode() == engine::ClockMode::Simulated;
  std::shared_ptr<consumers::Recorder> recorder;
  try {
    recorder = std::make_shared<consumers::Recorder>(e.output(), e.config().channels, ro);
  } catch (const consumers::WriteError& w) {
    throw withCode(Napi::Error::New(env, w.what()), w.code.c_str());
  } catch (const std::invalid_argument& a) {
    throw rangeError(env, a.what());
  }
  if (ro.lossless) e.addLosslessReader(recorder->gate());
  const std::uint32_t id = e.newConsumerId();
  recorders_[id] = recorder;
  return Napi::Number::New(env, id);
}

consumers::Recorder& MixerWrap::recorder(Napi::Env env, std::uint32_t id) {
  const auto it = recorders_.find(id);
  if (it == recorders_.end()) throw stateError(env, "ERR_NO_SUCH_RECORDER", "no recorder " + std::to_string(id));
  return *it->second;
}

// recorderStatus(id) -> { state, frames, bytes, dropouts, lostFrames, files }
Napi::Value MixerWrap::RecorderStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  consumers::Recorder& r = recorder(env, idArg(info, 0));
  Napi::Object o = Napi::Object::New(env);
  const auto s = r.state();
  o.Set("state", s == consumers::Recorder::State::recording ? "recording"
                 : s == consumers::Recorder::State::stopped ? "stopped"
                                                             : "failed");
  o.Set("frames", static_cast<double>(r.frames()));
  o.Set("bytes", static_cast<double>(r.bytes()));
  o.Set("dropouts", static_cast<double>(r.dropouts()));
  o.Set("lostFrames", static_cast<double>(r.lostFrames()));
  const auto files = r.files();
  Napi::Array a = Napi::Array::New(env, files.size());
  for (std::size_t i = 0; i < files.size(); ++i) a.Set(static_cast<std::uint32_t>(i), files[i]);
  o.Set("files", a);
  return o;
}

// recorderEvents(id) -> [{ type: 'dropout' | 'error' | 'file', frame, lostFrames, code, message, path }]
Napi::Value MixerWrap::RecorderEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto events = recorder(env, idArg(info, 0)).pollEvents();
  Napi::Array out = Napi::Array::New(env, events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& ev = events[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", ev.type == consumers::RecorderEvent::Type::dropout ? "dropout"
                  : ev.type == consumers::RecorderEvent::Type::error ? "error"
                                                                      : "file");
    o.Set("frame", static_cast<double>(ev.frame));
    o.Set("lostFrames", static_cast<double>(ev.lostFrames));
    o.Set("code", ev.code);
    o.Set("message", ev.message);
    o.Set("path", ev.path);
    out.Set(static_cast<std::uint32_t>(i), o);
  }
  return out;
}

// stopRecorder(id) -> Promise<{ frames, dropouts, lostFrames, files }>: what the mix produced up to
// this call is written; the file is completed off the event loop.
Napi::Value MixerWrap::StopRecorder(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::uint32_t id = idArg(info, 0);
  recorder(env, id).requestStop();
  std::shared_ptr<consumers::Recorder> r = recorders_[id];
  std::weak_ptr<engine::Engine> engine = engine_;
  auto* worker = new RecorderStopWorker(env, Value(), r, [this, id, r, engine] {
    if (auto e = engine.lock()) e->removeLosslessReader(r->gate().get());
    recorders_.erase(id);
  });
  worker->Queue();
  return worker->promise();
}

// Stops every recorder, waiting (closing the mixer, or its environment going away).
void MixerWrap::stopRecorders() {
  for (auto& [id, r] : recorders_) {
    r->stop();
    if (engine_) engine_->removeLosslessReader(r->gate().get());
  }
  recorders_.clear();
}

}  // namespace ringmix::addon
