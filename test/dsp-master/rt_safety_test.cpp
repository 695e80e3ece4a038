// The master's DSP is real-time code: after construction nothing allocates (configure() included),
// checked by counting every global operator new while they run.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "engine/realtime/dsp/limiter.hpp"
#include "engine/realtime/dsp/loudness_meter.hpp"
#include "engine/realtime/dsp/peak_meter.hpp"
#include "signals.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace ringmix::engine;

TEST_CASE("real-time safety: configure, set, process, add and reset never allocate") {
  auto limiter = std::make_unique<TruePeakLimiter>();
  auto loudness = std::make_unique<LoudnessMeter>();
  auto peaks = std::make_unique<PeakProgrammeMeter>();
  auto x = dsptest::musicLike(48000, 2, 2.0, 1);
  dsptest::scale(x, 12);
  counting = true;
  for (double fs : {8000.0, 44100.0, 48000.0, 384000.0}) {
    limiter->configure(fs, 2);
    loudness->configure(fs, 2);
    peaks->configure(fs, 2);
    for (std::size_t i = 0; i + 4096 <= x.size() / 2; i += 4096) {
      limiter->set({i % 8192 == 0, -1.0 - static_cast<double>(i % 3), 50});
      loudness->add(&x[i * 2], 4096);
      peaks->add(&x[i * 2], 4096);
      limiter->process(&x[i * 2], 4096);
      (void)loudness->integratedLufs();
      (void)loudness->rangeLu();
      (void)peaks->holdDb(1);
      (void)limiter->gainReductionDb();
    }
    limiter->reset();
    loudness->reset();
    peaks->reset();
  }
  counting = false;
  CHECK(allocations.load() == 0);
}

TEST_CASE("real-time safety: the counter does see an allocation (the check above is not vacuous)") {
  allocations = 0;
  counting = true;
  auto* p = new std::vector<int>(100);
  counting = false;
  delete p;
  CHECK(allocations.load() >= 1);
}
