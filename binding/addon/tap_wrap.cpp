#include "tap_wrap.hpp"

#include <cmath>

#include "errors.hpp"

namespace ringmix::addon {

Napi::Function TapWrap::Define(Napi::Env env) {
  return DefineClass(env, "Tap",
                     {InstanceMethod<&TapWrap::Read>("read"), InstanceMethod<&TapWrap::Stats>("stats"),
                      InstanceMethod<&TapWrap::Close>("close")});
}

TapWrap::TapWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TapWrap>(info) {}

void TapWrap::attach(std::shared_ptr<engine::Engine> engine, std::size_t capacityFrames) {
  channels_ = engine->config().channels;
  const std::size_t cap = std::min(capacityFrames * channels_, engine->output().capacity());
  // Resume half the tap's capacity behind the newest frame after a dropout: data is readable at
  // once, with room to fall behind again before the next one.
  reader_ = std::make_unique<rt::SpmcRing<float>::Reader>(engine->output().reader(cap / 2, cap));
  engine_ = std::move(engine);
}

// read(maxFrames) -> Float32Array of the frames read (interleaved; possibly empty)
Napi::Value TapWrap::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!reader_) throw Napi::Error::New(env, "tap is closed");
  const double maxFrames = requireNumber(info, 0, "maxFrames");
  if (!(maxFrames >= 0 && maxFrames <= (1 << 24)) || maxFrames != std::floor(maxFrames))
    throw rangeError(env, "maxFrames must be an integer from 0 to 16777216");
  const auto want = std::min<std::uint64_t>(static_cast<std::uint64_t>(maxFrames),
                                            reader_->lag() / channels_);
  Napi::Float32Array out = Napi::Float32Array::New(env, static_cast<std::size_t>(want) * channels_);
  std::size_t got = 0;
  if (want > 0) got = reader_->read(out.Data(), out.ElementLength()).items;
  readFrames_ += got / channels_;
  if (got == out.ElementLength()) return out;
  // A dropout (or a lap during the copy) left fewer items: return a view of what was read.
  return Napi::Float32Array::New(env, got, out.ArrayBuffer(), 0);
}

Napi::Value TapWrap::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  if (!reader_) return o;
  const std::uint64_t lag = reader_->lag();
  o.Set("lagFrames", static_cast<double>(lag / channels_));
  o.Set("dropouts", static_cast<double>(reader_->dropouts()));
  o.Set("lostFrames", static_cast<double>(reader_->lostItems() / channels_));
  o.Set("readFrames", static_cast<double>(readFrames_));
  return o;
}

}  // namespace ringmix::addon

namespace ringmix::addon {

// Lets go of the reader and the engine at once, rather than whenever the GC collects this object
// (the engine's rings are megabytes the GC does not see).
Napi::Value TapWrap::Close(const Napi::CallbackInfo& info) {
  reader_.reset();
  engine_.reset();
  return info.Env().Undefined();
}

}  // namespace ringmix::addon
