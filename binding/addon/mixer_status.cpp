// MixerWrap: metrics, events and device status, marshalled into plain JS objects.
#include "mixer_wrap.hpp"

namespace ringmix::addon {

namespace {

Napi::Array dbArray(Napi::Env env, const float* v, std::uint32_t n) {
  Napi::Array a = Napi::Array::New(env, n);
  for (std::uint32_t i = 0; i < n; ++i) a.Set(i, static_cast<double>(v[i]));
  return a;
}

const char* kindName(engine::StreamKind k) {
  switch (k) {
    case engine::StreamKind::Clock: return "clock";
    case engine::StreamKind::Input: return "input";
    case engine::StreamKind::Output: return "output";
  }
  return "?";
}

Napi::Object timing(Napi::Env env, double mean, double max) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("mean", mean);
  o.Set("max", max);
  return o;
}

}  // namespace

Napi::Value MixerWrap::Metrics(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  const engine::MetricsFrame m = e.metrics();
  const std::uint32_t ch = e.config().channels;
  Napi::Object o = Napi::Object::New(env);
  o.Set("frames", static_cast<double>(m.frames));
  o.Set("cycles", static_cast<double>(m.cycles));
  o.Set("xruns", static_cast<double>(m.xruns));
  o.Set("skippedCycles", static_cast<double>(m.skippedCycles));
  o.Set("dspLoad", m.dspLoad);
  o.Set("cycleUs", timing(env, m.cycleUsMean, m.cycleUsMax));
  o.Set("lateUs", timing(env, m.lateUsMean, m.lateUsMax));
  o.Set("realtimePriority", m.realtimePriority != 0);
  o.Set("droppedEvents", static_cast<double>(e.droppedEvents()));
  Napi::Array inputs = Napi::Array::New(env, m.inputCount);
  for (std::uint32_t i = 0; i < m.inputCount && i < engine::kMaxInputs; ++i) {
    const engine::InputMetrics& im = m.inputs[i];
    Napi::Object x = Napi::Object::New(env);
    x.Set("id", im.id);
    x.Set("peakDb", dbArray(env, im.peakDb, im.channels));
    x.Set("rmsDb", dbArray(env, im.rmsDb, im.channels));
    x.Set("fillFrames", im.fillFrames);
    x.Set("underruns", static_cast<double>(im.underruns));
    x.Set("overruns", static_cast<double>(im.overruns));
    x.Set("ratio", im.ratio);
    x.Set("clockPpm", im.clockPpm);
    x.Set("locked", im.locked != 0);
    x.Set("latencyFrames", im.latencyFrames);
    x.Set("resyncs", static_cast<double>(im.resyncs));
    x.Set("ppmDb", dbArray(env, im.ppmDb, im.channels));
    x.Set("peakHoldDb", dbArray(env, im.peakHoldDb, im.channels));
    x.Set("gainReductionDb", im.gainReductionDb);
    inputs.Set(i, x);
  }
  o.Set("inputs", inputs);
  Napi::Object master = Napi::Object::New(env);
  master.Set("peakDb", dbArray(env, m.masterPeakDb, ch));
  master.Set("rmsDb", dbArray(env, m.masterRmsDb, ch));
  master.Set("ppmDb", dbArray(env, m.masterPpmDb, ch));
  master.Set("peakHoldDb", dbArray(env, m.masterPeakHoldDb, ch));
  Napi::Object gr = Napi::Object::New(env);
  gr.Set("compressor", m.masterCompressorGainReductionDb);
  gr.Set("limiter", m.limiterGainReductionDb);
  master.Set("gainReductionDb", gr);
  master.Set("latencyFrames", m.limiterLatencyFrames);
  Napi::Object loud = Napi::Object::New(env);
  loud.Set("momentaryLufs", m.loudness.momentaryLufs);
  loud.Set("shortTermLufs", m.loudness.shortTermLufs);
  loud.Set("integratedLufs", m.loudness.integratedLufs);
  loud.Set("rangeLu", m.loudness.rangeLu);
  loud.Set("truePeakDbtp", m.loudness.truePeakDbtp);
  master.Set("loudness", loud);
  o.Set("master", master);
  return o;
}

// pollEvents() -> [{ type: 'xrun' | 'skipped', id, frame, value }]
Napi::Value MixerWrap::PollEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  engine::Engine& e = engine(env);
  Napi::Array out = Napi::Array::New(env);
  engine::Event ev;
  std::uint32_t n = 0;
  while (e.pollEvent(ev)) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", ev.type == engine::EventType::Skipped  ? "skipped"
                  : ev.type == engine::EventType::Resync ? "resync"
                                                         : "xrun");
    o.Set("id", ev.id);
    o.Set("frame", static_cast<double>(ev.frame));
    o.Set("value", ev.value);
    out.Set(n++, o);
  }
  return out;
}

Napi::Value MixerWrap::DeviceStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto list = engine(env).deviceStatus();
  Napi::Array out = Napi::Array::New(env, list.size());
  for (std::uint32_t i = 0; i < list.size(); ++i) {
    const auto& d = list[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("kind", kindName(d.kind));
    o.Set("id", d.id);
    o.Set("failed", d.failed);
    o.Set("callbacks", static_cast<double>(d.callbacks));
    o.Set("overflows", static_cast<double>(d.overflows));
    o.Set("underflows", static_cast<double>(d.underflows));
    o.Set("lostFrames", static_cast<double>(d.lostFrames));
    o.Set("dropouts", static_cast<double>(d.dropouts));
    o.Set("lagFrames", static_cast<double>(d.lagFrames));
    o.Set("clippedSamples", static_cast<double>(d.clippedSamples));
    o.Set("latencyMs", d.latencyMs);
    o.Set("sampleRate", d.sampleRate);
    if (d.kind == engine::StreamKind::Output) {
      o.Set("compensated", d.compensated);
      o.Set("ratio", d.ratio);
      o.Set("clockPpm", d.clockPpm);
      o.Set("driftLatencyFrames", d.driftLatencyFrames);
      o.Set("locked", d.locked);
      o.Set("resyncs", static_cast<double>(d.resyncs));
    }
    out.Set(i, o);
  }
  return out;
}

Napi::Value MixerWrap::PollDeviceFailures(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto list = engine(env).pollDeviceFailures();
  Napi::Array out = Napi::Array::New(env, list.size());
  for (std::uint32_t i = 0; i < list.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("kind", kindName(list[i].kind));
    o.Set("id", list[i].id);
    o.Set("message", list[i].message);
    out.Set(i, o);
  }
  return out;
}

}  // namespace ringmix::addon
