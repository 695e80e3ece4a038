// Errors of the N-API glue: TypeError / RangeError carrying a stable `code` (as the TypeScript layer
// throws them), state errors carrying theirs, and the one place where C++ exceptions become JS
// errors. node-addon-api's wrappers catch only Napi::Error: any other exception escaping an entry
// point would end the process in std::terminate, so every entry point runs through guarded().
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

// The JS error for the exception being handled (call from a catch block): engine and device
// errors keep their meaning and code; anything else (out of memory, no thread, a broken
// invariant) becomes a coded error rather than a crash.
Napi::Error currentExceptionToJs(Napi::Env env);

// Runs fn, turning every C++ exception into a coded JS exception.
template <class Fn>
auto guarded(Napi::Env env, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw currentExceptionToJs(env);
  }
}

}  // namespace ringmix::addon
