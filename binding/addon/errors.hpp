// Error helpers for the N-API glue: TypeError / RangeError carrying a stable `code`, matching what
// the TypeScript layer throws, so callers can switch on err.code whichever layer caught the problem.
#pragma once

#include <napi.h>

#include <string>

namespace ringmix::addon {

inline Napi::Error withCode(Napi::Error e, const char* code) {
  e.Value().Set("code", code);
  return e;
}

inline Napi::Error typeError(Napi::Env env, const std::string& msg) {
  return withCode(Napi::TypeError::New(env, msg), "ERR_INVALID_ARG_TYPE");
}

inline Napi::Error rangeError(Napi::Env env, const std::string& msg) {
  return withCode(Napi::RangeError::New(env, msg), "ERR_OUT_OF_RANGE");
}

// A state or environment error; lib/ rethrows these as RingmixError with the same code.
inline Napi::Error stateError(Napi::Env env, const char* code, const std::string& msg) {
  return withCode(Napi::Error::New(env, msg), code);
}

inline double requireNumber(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsNumber())
    throw typeError(info.Env(), std::string(name) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

}  // namespace ringmix::addon
