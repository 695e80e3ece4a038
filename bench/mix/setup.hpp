// bench_mix's mixers: a mixer of N generator inputs in one of the benchmark's shapes, on any clock.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/control/engine.hpp"

namespace mixbench {

using namespace ringmix;

// What each input is.
enum class Shape {
  Silence,  // a silent generator: the mixer's own cost (pull, strip, sum, meters, publish)
  Sine,     // adds the sine oscillator
  Strip,    // a sine through every block of the strip (24 dB/oct high-pass, 3-band EQ, gate, compressor)
};

// Every block of an input's strip on, at settings that make each one work (the compressor and
// gate act on the tones' levels).
inline engine::InputDspParams fullStrip() {
  engine::InputDspParams d;
  d.highPass = {true, 80, 24};
  d.gate = {true, -60, 40, 1, 50, 100};
  d.eq = {true, {120, 3, 0.7071}, {1500, -4, 1.2}, {9000, 2, 0.7071}};
  d.compressor = {true, -24, 4, 10, 100, 6, 3};
  return d;
}

// master: -1 the default master (limiter on); 0 no limiter stage, chain bypassed; 1 EQ,
// compressor and limiter on.
inline std::unique_ptr<engine::Engine> makeMixer(engine::ClockMode clock, std::uint32_t periodFrames, Shape shape,
                                                 int inputs, int master = -1) {
  engine::EngineConfig c;  // 48 kHz, stereo
  c.periodFrames = periodFrames;
  if (master == 0) c.masterLimiter = false;
  auto e = std::make_unique<engine::Engine>(c, clock);
  if (master == 1) {
    engine::MasterDspParams m;
    m.eq = fullStrip().eq;
    m.compressor = fullStrip().compressor;
    e->setMasterDsp(m);
  }
  for (int i = 0; i < inputs; ++i) {
    engine::InputSpec s;
    s.generator.kind = shape == Shape::Silence ? engine::GeneratorKind::Silence : engine::GeneratorKind::Sine;
    s.generator.frequency = 100.0 + 37.0 * i;
    s.strip.pan = (i % 5 - 2) / 2.0;
    s.strip.gainDb = -static_cast<double>(i % 12) - 12.0;
    if (shape == Shape::Strip) s.dsp = fullStrip();
    e->addInput(s);
  }
  return e;
}

inline const char* shapeName(Shape s) { return s == Shape::Silence ? "silence" : s == Shape::Sine ? "sine" : "strip"; }

}  // namespace mixbench
