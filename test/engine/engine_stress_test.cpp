// The engine across real threads: the virtual clock's mix thread and each virtual device's
// producer thread run while this thread plays the JS side (commands, inputs coming and going,
// reading the output and the metrics). Under ThreadSanitizer this proves the hand-offs are
// race-free; in every build it checks the output stream stays exact.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include "engine/control/engine.hpp"

using namespace ringmix;

namespace {
#if defined(__SANITIZE_THREAD__)
constexpr bool kTsan = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool kTsan = true;
#else
constexpr bool kTsan = false;
#endif
#else
constexpr bool kTsan = false;
#endif

engine::InputSpec generator(engine::GeneratorKind kind, double ppm) {
  engine::InputSpec s;
  s.generator.kind = kind;
  s.clockPpm = ppm;
  return s;
}
}  // namespace

TEST_SUITE("engine-stress") {
  TEST_CASE("virtual clock, device threads and a JS thread changing everything") {
    engine::EngineConfig c;
    c.periodFrames = 128;
    engine::Engine e(c, engine::ClockMode::Virtual);
    auto reader = e.output().reader();
    std::vector<std::uint32_t> ids;
    ids.push_back(e.addInput(generator(engine::GeneratorKind::Sine, 200)));
    ids.push_back(e.addInput(generator(engine::GeneratorKind::Noise, -200)));
    engine::InputSpec push;
    push.kind = engine::InputSpec::Kind::Push;
    push.channels = 1;
    const std::uint32_t pushId = e.addInput(push);
    e.start();

    std::vector<float> out(1 << 16);
    std::vector<float> pushData(480, 0.25f);
    std::uint64_t got = 0, lost = 0;
    const std::uint64_t startPos = reader.position();
    const int rounds = kTsan ? 150 : 400;
    for (int i = 0; i < rounds; ++i) {
      e.setStrip(ids[i % ids.size()], engine::StripParam::GainDb, -(i % 30));
      e.setStrip(ids[(i + 1) % ids.size()], engine::StripParam::Pan, ((i % 5) - 2) / 2.0);
      e.setStrip(ids[(i + 2) % ids.size()], engine::StripParam::Muted, i % 3 == 0);
      e.setStrip(ids[0], engine::StripParam::Solo, i % 11 == 0);
      e.setMasterGainDb(-(i % 6));
      e.writeInput(pushId, pushData.data(), pushData.size());
      if (i % 40 == 10) ids.push_back(e.addInput(generator(engine::GeneratorKind::Impulses, 50.0 * i)));
      if (i % 40 == 30 && ids.size() > 2) {
        e.removeInput(ids.back());
        ids.pop_back();
      }
      const auto r = reader.read(out.data(), out.size());
      got += r.items;
      lost += r.lost;
      const engine::MetricsFrame m = e.metrics();
      CHECK(m.cycles * c.periodFrames == m.frames);
      CHECK(m.inputCount <= engine::kMaxInputs);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    e.stop();
    for (;;) {
      const auto r = reader.read(out.data(), out.size());
      got += r.items;
      lost += r.lost;
      if (r.items == 0 && r.lost == 0) break;
    }
    // Every item published since the reader started is either read or counted as lost.
    CHECK(got + lost == e.output().writePosition() - startPos);
    const engine::MetricsFrame m = e.metrics();
    CHECK(m.frames > 0);
    CHECK(m.inputCount == ids.size() + 1);
    e.close();
  }

  TEST_CASE("closing while everything runs, repeatedly") {
    const int rounds = kTsan ? 10 : 40;
    for (int i = 0; i < rounds; ++i) {
      engine::EngineConfig c;
      c.periodFrames = 64;
      engine::Engine e(c, engine::ClockMode::Virtual);
      e.addInput(generator(engine::GeneratorKind::Sine, 100));
      e.addInput(generator(engine::GeneratorKind::Noise, -100));
      e.start();
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
      if (i % 2) e.removeInput(1);
      e.close();
      CHECK(!e.running());
    }
  }
}
