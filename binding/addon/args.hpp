// Argument checks of the N-API glue. The TypeScript layer validates everything users pass, but
// the native layer is reachable without it (worker code, other bindings, a polluted prototype), so
// it checks every value again, before any cast: NaN or 1e300 converted to an integer is undefined
// behaviour in C++. Options are read from own properties only: nothing inherited from
// Object.prototype reaches the engine.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "errors.hpp"

namespace ringmix::addon {

// Runs fn, which touches a caller's object (a getter or Proxy trap may run and throw): whatever it
// throws becomes a coded TypeError with the original as its cause.
template <class Fn>
auto touch(Napi::Env env, const std::string& what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Napi::Error& e) {
    Napi::Error err = typeError(env, what + " could not be read: reading it threw (see the error's cause)");
    err.Value().Set("cause", e.Value());
    throw err;
  }
}

// An own property of `o`, or undefined: an inherited one (a polluted Object.prototype) never counts.
inline Napi::Value ownProp(const Napi::Object& o, const char* key) {
  return touch(o.Env(), key, [&] { return o.HasOwnProperty(key) ? o.Get(key) : o.Env().Undefined(); });
}

// A plain object: its prototype is null or some realm's Object.prototype. Anything else could
// hand us options through its prototype chain or behave like something other than options.
inline Napi::Object objectArg(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  Napi::Env env = info.Env();
  if (info.Length() <= i || !info[i].IsObject() || info[i].IsArray() || info[i].IsFunction())
    throw typeError(env, std::string(name) + " must be an object");
  const Napi::Object o = info[i].As<Napi::Object>();
  const bool plain = touch(env, name, [&] {
    napi_value proto = nullptr, protoProto = nullptr;
    NAPI_THROW_IF_FAILED(env, napi_get_prototype(env, o, &proto), false);
    if (Napi::Value(env, proto).IsNull()) return true;
    NAPI_THROW_IF_FAILED(env, napi_get_prototype(env, proto, &protoProto), false);
    return Napi::Value(env, protoProto).IsNull();
  });
  if (!plain) throw typeError(env, std::string(name) + " must be a plain object ({ ... })");
  return o;
}

// A number as a message shows it: 48000, 0.5, 1e+300.
inline std::string showNumber(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", d);
  return buf;
}

struct NumberRange {
  double min, max;
  bool integer = false;
  bool allowMinusInfinity = false;
};

// A finite number in range (checked as a double, before the caller casts it).
inline double checkedNumber(Napi::Env env, const Napi::Value& v, const std::string& name, const NumberRange& r) {
  if (!v.IsNumber()) throw typeError(env, name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (r.allowMinusInfinity && d == -INFINITY) return d;
  const bool ok = std::isfinite(d) && d >= r.min && d <= r.max && (!r.integer || d == std::floor(d));
  if (!ok) {
    throw rangeError(env, name + " must be " + (r.integer ? "an integer" : "a number") + " from " + showNumber(r.min) +
                              " to " + showNumber(r.max) + (r.allowMinusInfinity ? " (or -Infinity)" : "") +
                              ", got " + v.ToString().Utf8Value());
  }
  return d;
}

inline double numberArg(const Napi::CallbackInfo& info, std::size_t i, const std::string& name, const NumberRange& r) {
  return checkedNumber(info.Env(), info.Length() > i ? info[i] : info.Env().Undefined(), name, r);
}

inline std::uint32_t idArg(const Napi::CallbackInfo& info, std::size_t i, const char* name = "id") {
  return static_cast<std::uint32_t>(numberArg(info, i, name, {0, 4294967295.0, true}));
}

inline double numberOpt(const Napi::Object& o, const char* key, double fallback, const NumberRange& r) {
  const Napi::Value v = ownProp(o, key);
  return v.IsUndefined() ? fallback : checkedNumber(o.Env(), v, key, r);
}

inline bool boolOpt(const Napi::Object& o, const char* key, bool fallback) {
  const Napi::Value v = ownProp(o, key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) throw typeError(o.Env(), std::string(key) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

inline std::string stringOpt(const Napi::Object& o, const char* key, const char* fallback) {
  const Napi::Value v = ownProp(o, key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsString()) throw typeError(o.Env(), std::string(key) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

// Fader gains: -144 to +24 dB, or -Infinity (off). Pan: -1 to 1.
inline constexpr NumberRange kGainDb{-144, 24, false, true};
inline constexpr NumberRange kPan{-1, 1};

}  // namespace ringmix::addon
