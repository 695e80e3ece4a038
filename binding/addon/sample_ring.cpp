#include "sample_ring.hpp"

#include <string>

#include "errors.hpp"

namespace ringmix::addon {

Napi::Function SampleRingWrap::Define(Napi::Env env) {
  return DefineClass(env, "SampleRing",
                     {InstanceMethod<&SampleRingWrap::Write>("write"),
                      InstanceMethod<&SampleRingWrap::Read>("read"),
                      InstanceMethod<&SampleRingWrap::Stats>("stats")});
}

// new SampleRing(capacityFrames, channels). The TS layer validates first; these checks keep a
// direct caller from crashing the process.
SampleRingWrap::SampleRingWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SampleRingWrap>(info) {
  Napi::Env env = info.Env();
  const double frames = requireNumber(info, 0, "capacityFrames");
  const double channels = requireNumber(info, 1, "channels");
  if (!(frames >= 1 && frames <= (1 << 24) && frames == static_cast<double>(static_cast<std::int64_t>(frames))))
    throw rangeError(env, "capacityFrames must be an integer from 1 to 16777216");
  if (!(channels == 1 || channels == 2)) throw rangeError(env, "channels must be 1 or 2");
  channels_ = static_cast<std::uint32_t>(channels);
  ring_ = std::make_unique<rt::SpscRing<float>>(static_cast<std::size_t>(frames) * channels_);
}

std::size_t SampleRingWrap::framesOf(const Napi::CallbackInfo& info, const char* what,
                                     Napi::Float32Array& out) {
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw typeError(info.Env(), std::string(what) + " must be a Float32Array");
  out = info[0].As<Napi::Float32Array>();
  if (out.ElementLength() % channels_ != 0)
    throw rangeError(info.Env(), std::string(what) + " length must be a multiple of channels (" +
                                     std::to_string(channels_) + ")");
  return out.ElementLength() / channels_;
}

// write(Float32Array) -> frames accepted. What does not fit stays with the caller (backpressure):
// a JS producer can retry, so refused frames are not lost and not counted as dropped.
Napi::Value SampleRingWrap::Write(const Napi::CallbackInfo& info) {
  Napi::Float32Array data;
  const std::size_t frames = framesOf(info, "data", data);
  const std::size_t written = ring_->tryPush(data.Data(), frames * channels_, channels_) / channels_;
  return Napi::Number::New(info.Env(), static_cast<double>(written));
}

// read(Float32Array out) -> frames copied into out.
Napi::Value SampleRingWrap::Read(const Napi::CallbackInfo& info) {
  Napi::Float32Array out;
  const std::size_t frames = framesOf(info, "out", out);
  const std::size_t got = ring_->pop(out.Data(), frames * channels_) / channels_;
  return Napi::Number::New(info.Env(), static_cast<double>(got));
}

Napi::Value SampleRingWrap::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("capacityFrames", static_cast<double>(ring_->capacity() / channels_));
  o.Set("channels", channels_);
  o.Set("fillFrames", static_cast<double>(ring_->sizeApprox() / channels_));
  return o;
}

}  // namespace ringmix::addon
