// The DSP blocks' parameter objects as the addon takes them: every field present (the TypeScript
// layer merges partial updates into the current values), each checked against the same ranges as
// lib/dsp-options.ts. Filter frequencies must also stay below 45% of the sample rate.
#pragma once

#include <napi.h>

#include <string>

#include "args.hpp"
#include "engine/realtime/mix/dsp_controls.hpp"
#include "errors.hpp"

namespace ringmix::addon {

namespace dsprange {
inline constexpr NumberRange kHighPassHz{10, 1000};
inline constexpr NumberRange kBandHz{20, 20000};
inline constexpr NumberRange kBandGainDb{-18, 18};
inline constexpr NumberRange kQ{0.1, 10};
inline constexpr NumberRange kThresholdDb{-80, 0};
inline constexpr NumberRange kRatio{1, 100};
inline constexpr NumberRange kAttackMs{0.1, 1000};
inline constexpr NumberRange kReleaseMs{1, 5000};
inline constexpr NumberRange kKneeDb{0, 24};
inline constexpr NumberRange kMakeupDb{-24, 24};
inline constexpr NumberRange kGateThresholdDb{-100, 0};
inline constexpr NumberRange kGateRangeDb{0, 100};
inline constexpr NumberRange kGateAttackMs{0.01, 1000};
inline constexpr NumberRange kHoldMs{0, 5000};
inline constexpr NumberRange kCeilingDbtp{-24, 0};
}  // namespace dsprange

class DspArgs {
 public:
  DspArgs(Napi::Env env, double sampleRate) : env_(env), sampleRate_(sampleRate) {}

  engine::InputDspParams input(const Napi::Object& o, const char* name) const {
    engine::InputDspParams p;
    p.highPass = highPass(block(o, "highPass", name), std::string(name) + ".highPass");
    p.gate = gate(block(o, "gate", name), std::string(name) + ".gate");
    p.eq = eq(block(o, "eq", name), std::string(name) + ".eq");
    p.compressor = compressor(block(o, "compressor", name), std::string(name) + ".compressor");
    p.sidechainId = static_cast<std::uint32_t>(num(block(o, "compressor", name), "sidechain", std::string(name) + ".compressor", {0, 4294967295.0, true}));
    return p;
  }

  engine::MasterDspParams master(const Napi::Object& o, const char* name) const {
    engine::MasterDspParams p;
    p.eq = eq(block(o, "eq", name), std::string(name) + ".eq");
    p.compressor = compressor(block(o, "compressor", name), std::string(name) + ".compressor");
    const Napi::Object l = block(o, "limiter", name);
    const std::string ln = std::string(name) + ".limiter";
    p.limiter.enabled = flag(l, "enabled", ln);
    p.limiter.ceilingDbtp = num(l, "ceilingDbtp", ln, dsprange::kCeilingDbtp);
    p.limiter.releaseMs = num(l, "releaseMs", ln, dsprange::kReleaseMs);
    return p;
  }

 private:
  Napi::Object block(const Napi::Object& o, const char* key, const std::string& name) const {
    const Napi::Value v = ownProp(o, key);
    if (!v.IsObject() || v.IsArray()) throw typeError(env_, name + "." + key + " must be an object");
    return v.As<Napi::Object>();
  }
  double num(const Napi::Object& o, const char* key, const std::string& name, const NumberRange& r) const {
    return checkedNumber(env_, ownProp(o, key), name + "." + key, r);
  }
  bool flag(const Napi::Object& o, const char* key, const std::string& name) const {
    const Napi::Value v = ownProp(o, key);
    if (!v.IsBoolean()) throw typeError(env_, name + "." + key + " must be a boolean");
    return v.As<Napi::Boolean>().Value();
  }
  double frequency(const Napi::Object& o, const std::string& name, const NumberRange& r) const {
    const double f = num(o, "frequency", name, r);
    if (f > 0.45 * sampleRate_)
      throw rangeError(env_, name + ".frequency must be below 45% of the sample rate (" + showNumber(0.45 * sampleRate_) +
                                 " Hz), got " + showNumber(f));
    return f;
  }

  engine::dsp::HighPassParams highPass(const Napi::Object& o, const std::string& name) const {
    engine::dsp::HighPassParams p;
    p.enabled = flag(o, "enabled", name);
    p.frequency = frequency(o, name, dsprange::kHighPassHz);
    p.slope = static_cast<int>(num(o, "slope", name, {12, 24, true}));
    if (p.slope != 12 && p.slope != 24) throw rangeError(env_, name + ".slope must be 12 or 24");
    return p;
  }
  engine::dsp::EqBand band(const Napi::Object& o, const char* key, const std::string& name) const {
    const Napi::Object b = block(o, key, name);
    const std::string bn = name + "." + key;
    return {frequency(b, bn, dsprange::kBandHz), num(b, "gainDb", bn, dsprange::kBandGainDb), num(b, "q", bn, dsprange::kQ)};
  }
  engine::dsp::EqParams eq(const Napi::Object& o, const std::string& name) const {
    engine::dsp::EqParams p;
    p.enabled = flag(o, "enabled", name);
    p.low = band(o, "low", name);
    p.mid = band(o, "mid", name);
    p.high = band(o, "high", name);
    return p;
  }
  engine::dsp::CompressorParams compressor(const Napi::Object& o, const std::string& name) const {
    engine::dsp::CompressorParams p;
    p.enabled = flag(o, "enabled", name);
    p.thresholdDb = num(o, "thresholdDb", name, dsprange::kThresholdDb);
    p.ratio = num(o, "ratio", name, dsprange::kRatio);
    p.attackMs = num(o, "attackMs", name, dsprange::kAttackMs);
    p.releaseMs = num(o, "releaseMs", name, dsprange::kReleaseMs);
    p.kneeDb = num(o, "kneeDb", name, dsprange::kKneeDb);
    p.makeupDb = num(o, "makeupDb", name, dsprange::kMakeupDb);
    return p;
  }
  engine::dsp::GateParams gate(const Napi::Object& o, const std::string& name) const {
    engine::dsp::GateParams p;
    p.enabled = flag(o, "enabled", name);
    p.thresholdDb = num(o, "thresholdDb", name, dsprange::kGateThresholdDb);
    p.rangeDb = num(o, "rangeDb", name, dsprange::kGateRangeDb);
    p.attackMs = num(o, "attackMs", name, dsprange::kGateAttackMs);
    p.holdMs = num(o, "holdMs", name, dsprange::kHoldMs);
    p.releaseMs = num(o, "releaseMs", name, dsprange::kReleaseMs);
    return p;
  }

  Napi::Env env_;
  double sampleRate_;
};

}  // namespace ringmix::addon
