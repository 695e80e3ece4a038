// MixerWrap: the strips' DSP blocks (high-pass, gate, EQ, compressor; the master's EQ, compressor
// and limiter) and the loudness meter's reset. Parameter sets arrive whole (see dsp_args.hpp).
#include "dsp_args.hpp"
#include "mixer_wrap.hpp"

namespace ringmix::addon {

// setDsp(id, { highPass, gate, eq, compressor: { ..., sidechain: id | 0 } })
Napi::Value MixerWrap::SetDsp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const std::uint32_t id = idArg(info, 0);
  const Napi::Object o = objectArg(info, 1, "dsp");
  e.setInputDsp(id, DspArgs(env, e.config().sampleRate).input(o, "dsp"));
  return env.Undefined();
}

// setMasterDsp({ eq, compressor, limiter })
Napi::Value MixerWrap::SetMasterDsp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const Napi::Object o = objectArg(info, 0, "master dsp");
  e.setMasterDsp(DspArgs(env, e.config().sampleRate).master(o, "master"));
  return env.Undefined();
}

Napi::Value MixerWrap::ResetLoudness(const Napi::CallbackInfo& info) {
  engine(info.Env()).resetLoudness();
  return info.Env().Undefined();
}

}  // namespace ringmix::addon
