#include "tap_wrap.hpp"

#include "args.hpp"

namespace ringmix::addon {

Napi::Function TapWrap::Define(Napi::Env env) {
  return DefineClass(env, "Tap",
                     {InstanceMethod<&TapWrap::guard<&TapWrap::Read>>("read"),
                      InstanceMethod<&TapWrap::guard<&TapWrap::ReadInto>>("readInto"),
                     InstanceMethod<&TapWrap::guard<&TapWrap::Stats>>("stats"),
                      InstanceMethod<&TapWrap::guard<&TapWrap::Close>>("close")});
}

// Only MixerWrap::OpenTap makes taps: it passes the addon's private token, which JS cannot have.
TapWrap::TapWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TapWrap>(info) {
  if (info.Length() < 1 || !info[0].IsExternal() || info[0].As<Napi::External<void>>().Data() != constructionToken())
    throw typeError(info.Env(), "taps are made by mixer.openTap(), not with new");
}

void* TapWrap::constructionToken() {
  static int token;
  return &token;
}

void TapWrap::attach(std::shared_ptr<engine::Engine> engine, std::size_t capacityFrames, std::uint32_t id) {
  channels_ = engine->config().channels;
  id_ = id;
  const std::size_t cap = std::min(capacityFrames * channels_, engine->output().capacity());
  // Resume half the tap's capacity behind the newest frame after a dropout: data is readable at
  // once, with room to fall behind again before the next one. The reader rounds both to whole
  // frames, so an odd capacity never resumes between a frame's channels.
  reader_ = std::make_unique<rt::SpmcRing<float>::Reader>(engine->output().reader(cap / 2, cap, channels_));
  capacityFrames_ = cap / channels_;
  engine_ = std::move(engine);
}

// read(maxFrames) -> Float32Array of the frames read (interleaved; possibly empty)
Napi::Value TapWrap::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double maxFrames = numberArg(info, 0, "maxFrames", {0, 1 << 24, true});
  if (!reader_) throw stateError(env, "ERR_CLOSED", "the tap is closed");
  // Never more than the tap can hold: a lapped reader's lag exceeds it, but a read returns at most that.
  const auto want = std::min<std::uint64_t>({static_cast<std::uint64_t>(maxFrames), reader_->lag() / channels_,
                                             capacityFrames_});
  Napi::Float32Array out = Napi::Float32Array::New(env, static_cast<std::size_t>(want) * channels_);
  std::size_t got = 0;
  if (want > 0) got = reader_->read(out.Data(), out.ElementLength()).items;
  readFrames_ += got / channels_;
  if (got == out.ElementLength()) return out;
  // A dropout (or a lap during the copy) left fewer items: return a view of what was read.
  return Napi::Float32Array::New(env, got, out.ArrayBuffer(), 0);
}

// readInto(Float32Array) -> frames read into its start (whole frames: at most length / channels).
// Nothing is allocated: for a reader that keeps up, or renders into one buffer.
Napi::Value TapWrap::ReadInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw typeError(env, "target must be a Float32Array");
  if (!reader_) throw stateError(env, "ERR_CLOSED", "the tap is closed");
  Napi::Float32Array target = info[0].As<Napi::Float32Array>();
  const auto want = std::min<std::uint64_t>({target.ElementLength() / channels_, reader_->lag() / channels_,
                                             capacityFrames_});
  std::size_t got = 0;
  if (want > 0) got = reader_->read(target.Data(), static_cast<std::size_t>(want) * channels_).items;
  readFrames_ += got / channels_;
  return Napi::Number::New(env, static_cast<double>(got / channels_));
}

Napi::Value TapWrap::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!reader_) throw stateError(env, "ERR_CLOSED", "the tap is closed");
  Napi::Object o = Napi::Object::New(env);
  o.Set("id", id_);
  o.Set("lagFrames", static_cast<double>(reader_->lag() / channels_));
  o.Set("dropouts", static_cast<double>(reader_->dropouts()));
  o.Set("lostFrames", static_cast<double>(reader_->lostItems() / channels_));
  o.Set("readFrames", static_cast<double>(readFrames_));
  return o;
}

// Lets go of the reader and the engine at once, rather than whenever the GC collects this object
// (the engine's rings are megabytes the GC does not see).
Napi::Value TapWrap::Close(const Napi::CallbackInfo& info) {
  reader_.reset();
  engine_.reset();
  return info.Env().Undefined();
}

}  // namespace ringmix::addon
