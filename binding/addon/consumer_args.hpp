// Arguments shared by the consumers that encode the mix (recorders, streams): the format name
// and a metadata object of strings.
#pragma once

#include <napi.h>

#include <map>
#include <string>

#include "args.hpp"
#include "consumers/file_writer.hpp"
#include "errors.hpp"

namespace ringmix::addon {

inline consumers::FileFormat formatArg(Napi::Env env, const std::string& f) {
  if (f == "wav") return consumers::FileFormat::wav;
  if (f == "flac") return consumers::FileFormat::flac;
  if (f == "mp3") return consumers::FileFormat::mp3;
  if (f == "opus") return consumers::FileFormat::opus;
  throw rangeError(env, "format must be 'wav', 'flac', 'mp3' or 'opus'");
}

// `o[key]`, if present, as { name: string }; throws TypeError naming the bad entry.
inline std::map<std::string, std::string> metadataOpt(Napi::Env env, const Napi::Object& o, const char* key) {
  std::map<std::string, std::string> out;
  const Napi::Value meta = ownProp(o, key);
  if (meta.IsUndefined()) return out;
  if (!meta.IsObject() || meta.IsArray()) throw typeError(env, std::string(key) + " must be an object of strings");
  const Napi::Object m = meta.As<Napi::Object>();
  const Napi::Array keys = m.GetPropertyNames();
  for (std::uint32_t i = 0; i < keys.Length(); ++i) {
    const std::string k = keys.Get(i).ToString().Utf8Value();
    const Napi::Value v = ownProp(m, k.c_str());
    if (!v.IsString()) throw typeError(env, std::string(key) + "." + k + " must be a string");
    out[k] = v.As<Napi::String>().Utf8Value();
  }
  return out;
}

}  // namespace ringmix::addon
