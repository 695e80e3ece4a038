// MixerWrap: streams (consumers/streamer.hpp). Each encodes the mix on a thread of its own; the
// TypeScript Broadcast takes the bytes (streamTake) and sends them to the server. Nothing here
// knows the server: URL and credentials never reach the addon.
#include <string>

#include "args.hpp"
#include "consumer_args.hpp"
#include "mixer_wrap.hpp"

namespace ringmix::addon {

namespace {

Napi::Value bytesToJs(Napi::Env env, const std::vector<std::uint8_t>& bytes) {
  return Napi::Buffer<std::uint8_t>::Copy(env, bytes.data(), bytes.size());
}

}  // namespace

// stream({ format, bitrateKbps?, metadata? }) -> { id, bitrateKbps, contentType, inBandMetadata }
Napi::Value MixerWrap::Stream(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const Napi::Object o = objectArg(info, 0, "stream options");
  consumers::StreamSpec spec;
  spec.format = formatArg(env, stringOpt(o, "format", "mp3"));
  if (spec.format != consumers::FileFormat::mp3 && spec.format != consumers::FileFormat::opus)
    throw rangeError(env, "format must be 'mp3' or 'opus' for a stream");
  spec.bitrateKbps = static_cast<int>(numberOpt(o, "bitrateKbps", 0, {0, 640, true}));
  spec.metadata = metadataOpt(env, o, "metadata");
  spec.sampleRate = e.config().sampleRate;
  spec.channels = e.config().channels;
  std::shared_ptr<consumers::Streamer> s;
  try {
    s = std::make_shared<consumers::Streamer>(e.output(), e.config().channels, spec);
  } catch (const std::invalid_argument& a) {
    throw rangeError(env, a.what());
  }
  const std::uint32_t id = e.newConsumerId();
  streamers_[id] = s;
  Napi::Object r = Napi::Object::New(env);
  r.Set("id", static_cast<double>(id));
  r.Set("bitrateKbps", s->bitrateKbps());
  r.Set("contentType", s->contentType());
  r.Set("inBandMetadata", s->inBandMetadata());
  return r;
}

consumers::Streamer& MixerWrap::streamer(Napi::Env env, std::uint32_t id) {
  const auto it = streamers_.find(id);
  if (it == streamers_.end()) throw stateError(env, "ERR_NO_SUCH_STREAM", "no stream " + std::to_string(id));
  return *it->second;
}

// streamTake(id) -> { bytes: Buffer, lagFrames: number | null, error: string | null }
Napi::Value MixerWrap::StreamTake(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  consumers::Streamer& s = streamer(env, idArg(info, 0));
  const auto t = s.take();
  Napi::Object o = Napi::Object::New(env);
  o.Set("bytes", bytesToJs(env, t.bytes));
  o.Set("lagFrames", t.lagFrames ? Napi::Value(Napi::Number::New(env, static_cast<double>(*t.lagFrames))) : env.Null());
  const auto err = s.error();
  o.Set("error", err ? Napi::Value(Napi::String::New(env, *err)) : env.Null());
  return o;
}

// streamStats(id) -> { framesEncoded, bytesEncoded, dropouts, lostFrames, droppedBytes, encodeSeconds }
Napi::Value MixerWrap::StreamStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto st = streamer(env, idArg(info, 0)).stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("framesEncoded", static_cast<double>(st.framesEncoded));
  o.Set("bytesEncoded", static_cast<double>(st.bytesEncoded));
  o.Set("dropouts", static_cast<double>(st.dropouts));
  o.Set("lostFrames", static_cast<double>(st.lostFrames));
  o.Set("droppedBytes", static_cast<double>(st.droppedBytes));
  o.Set("encodeSeconds", st.encodeSeconds);
  return o;
}

// streamSetMetadata(id, { title, artist, ... }) -> boolean (false: the format has no in-band tags)
Napi::Value MixerWrap::StreamSetMetadata(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  consumers::Streamer& s = streamer(env, idArg(info, 0));
  Napi::Object holder = Napi::Object::New(env);
  if (info.Length() > 1) holder.Set("metadata", info[1]);
  const auto chain = s.setMetadata(metadataOpt(env, holder, "metadata"));
  if (!chain) return Napi::Boolean::New(env, false);
  return Napi::Number::New(env, static_cast<double>(*chain));
}

// stopStream(id) -> Buffer: the encoder flushed; the last bytes of the stream. The thread ends
// within milliseconds (it encodes what is left), so this waits for it on the JS thread.
Napi::Value MixerWrap::StopStream(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::uint32_t id = idArg(info, 0);
  const auto tail = streamer(env, id).stop();
  streamers_.erase(id);
  return bytesToJs(env, tail);
}

void MixerWrap::stopStreamers() {
  for (auto& [id, s] : streamers_) s->stop();
  streamers_.clear();
}

}  // namespace ringmix::addon
