// The mix cycle's fused mono pass (mix/mono_fuse.hpp: mixAndMeterMono()) against what it
// replaces, ChannelStrip::processMono() then PeakProgrammeMeter::addMono(), run side by side on
// the same blocks: after every block the bus, the peak meter's readings and holds on every
// channel and the block's levels (peak, sum of squares) must be the same bits, and the input
// buffer left as it was (pre-fader). Tones stepping up and down (holds set, kept and expiring:
// the hold is shortened to 50 ms), noise, silence with isolated peaks and subnormals, pure
// silence; random gains (muted too) and balance pans, changed every few blocks; blocks of every
// size from 1 to 300 in a scrambled order, then runs longer than the meter's kMaxRun; meters of
// 1, 2 and 8 channels, their channels first set apart by a stereo block; on the AVX path (where
// the CPU has it) and the SSE one.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/realtime/mix/mono_fuse.hpp"

using namespace ringmix::engine;

namespace {

constexpr double kRate = 48000.0;

template <typename T>
bool sameBits(T a, T b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

bool avxAvailable() {
  PeakProgrammeMeter m;
  m.setVectorWidth(8);
  ChannelStrip s;
  s.setVectorWidth(8);
  return m.vectorWidth() == 8 && s.vectorWidth() == 8;
}

std::vector<std::uint32_t> blockSizes() {
  std::vector<std::uint32_t> sizes;
  for (std::uint32_t i = 0; i < 300; ++i) sizes.push_back((i * 97) % 300 + 1);  // every length, every alignment
  for (std::uint32_t n : {4096u, 8192u, 8193u, 9000u, 20000u}) sizes.push_back(n);  // runs of kMaxRun
  return sizes;
}

std::vector<float> signal(const std::string& kind, std::size_t frames) {
  std::vector<float> x(frames, 0.0f);
  std::mt19937 rng(static_cast<unsigned>(kind.size()) * 7 + 1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  if (kind == "tones") {
    const double freqs[] = {50, 997, 1000, 5003, 12000, 0.5 * kRate};
    const std::size_t step = 3000;
    for (std::size_t n = 0; n < frames; ++n) {
      const std::size_t s = n / step;
      const double a = s % 3 == 0 ? 0.9 : s % 3 == 1 ? 0.05 : 0.3;
      x[n] = static_cast<float>(a * std::sin(2 * 3.14159265358979323846 * freqs[s % 6] * static_cast<double>(n) / kRate));
    }
  } else if (kind == "noise") {
    for (auto& v : x) v = u(rng);
  } else if (kind == "silence+") {
    std::uniform_int_distribution<std::size_t> at(0, frames - 1);
    for (int i = 0; i < 40; ++i) x[at(rng)] = i % 2 ? 0.8f : -0.25f;
    for (int i = 0; i < 50; ++i) x[at(rng)] = std::numeric_limits<float>::denorm_min() * static_cast<float>(1 + i);
  }  // "silence": zeros
  return x;
}

struct Side {
  ChannelStrip strip;
  PeakProgrammeMeter ppm;
};

// Both sides through the same blocks; returns the number of blocks compared.
std::size_t compare(const std::string& kind, unsigned meterChannels, std::uint32_t width) {
  const std::vector<std::uint32_t> sizes = blockSizes();
  std::size_t total = 0;
  for (std::uint32_t n : sizes) total += n;
  const std::vector<float> x = signal(kind, total);
  std::mt19937 rng(meterChannels * 131 + width);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::uniform_real_distribution<double> gainDb(-40.0, 12.0), pan(-1.0, 1.0);

  Side ref, fused;
  for (Side* s : {&ref, &fused}) {
    s->ppm.configure(kRate, meterChannels, 0.05);
    s->ppm.setVectorWidth(width);
    s->strip.setVectorWidth(width);
    REQUIRE(s->ppm.vectorWidth() == width);
    REQUIRE(s->strip.vectorWidth() == width);
    // The channels set apart first (a stereo block, left and right different), so the mono
    // finishing meets channels in different states too.
    std::vector<float> stereo(64 * meterChannels);
    for (std::size_t i = 0; i < stereo.size(); ++i) stereo[i] = 0.1f * static_cast<float>(i % meterChannels + 1);
    s->ppm.add(stereo.data(), 64);
  }

  std::size_t pos = 0, block = 0;
  std::vector<float> bus(2 * 20000), busRef, busFused, io, ioRef;
  for (std::uint32_t n : sizes) {
    if (block % 7 == 0) {  // new settings: both strips settle at them at once
      StripParams p;
      p.gainDb = block % 35 == 14 ? -std::numeric_limits<double>::infinity() : gainDb(rng);
      p.muted = block % 49 == 21;
      p.pan = pan(rng);
      for (Side* s : {&ref, &fused}) {
        s->strip.configure(2, 2, 64, p, false);
        REQUIRE(s->strip.monoReady());
      }
    }
    for (std::size_t i = 0; i < 2 * n; ++i) bus[i] = 0.5f * u(rng);
    busRef.assign(bus.begin(), bus.begin() + 2 * n);
    busFused = busRef;
    io.assign(x.begin() + static_cast<long>(pos), x.begin() + static_cast<long>(pos + n));
    ioRef = io;

    PeakProgrammeMeter::BlockLevels levelsRef;
    ref.strip.processMono(ioRef.data(), busRef.data(), n);
    ref.ppm.addMono(ioRef.data(), n, &levelsRef);
    MonoLevels levels;
    mixAndMeterMono(fused.strip, fused.ppm, io.data(), busFused.data(), n, levels);

    INFO(kind, ", ", meterChannels, " channel(s), width ", width, ", block ", block, " (", n, " frames)");
    bool same = true;
    for (std::size_t i = 0; i < busRef.size(); ++i) same = same && sameBits(busRef[i], busFused[i]);
    CHECK_MESSAGE(same, "the bus");
    same = true;
    for (std::size_t i = 0; i < n; ++i) same = same && sameBits(io[i], x[pos + i]);
    CHECK_MESSAGE(same, "the input buffer, left pre-fader");
    for (unsigned c = 0; c < meterChannels; ++c) {
      CHECK(sameBits(ref.ppm.peakDb(c), fused.ppm.peakDb(c)));
      CHECK(sameBits(ref.ppm.holdDb(c), fused.ppm.holdDb(c)));
      CHECK(sameBits(levelsRef.peak[c], levels.peak));
      CHECK(sameBits(levelsRef.sumSq[c], levels.sumSq));
    }
    pos += n;
    ++block;
  }
  return block;
}

}  // namespace

TEST_SUITE("engine-cycle") {
  TEST_CASE("mono fuse: bus, readings, holds and levels bit-identical to processMono() + addMono()") {
    std::vector<std::uint32_t> widths{4};
    if (avxAvailable()) widths.push_back(8);
    else MESSAGE("this CPU has no AVX: only the SSE path is compared");
    for (std::uint32_t width : widths)
      for (unsigned ch : {1u, 2u, 8u})
        for (const std::string kind : {"tones", "noise", "silence+", "silence"}) CHECK(compare(kind, ch, width) == 305);
  }

  TEST_CASE("mono fuse: the hold sits where the reference puts it (a peak, then a hold that expires)") {
    // A single peak at a known frame in a 128-frame block, then quiet blocks: the hold shows the
    // peak (aged from its position) until 50 ms later, then falls to the reading, on both paths.
    for (std::uint32_t at : {0u, 5u, 63u, 64u, 120u, 127u}) {
      Side ref, fused;
      for (Side* s : {&ref, &fused}) {
        s->ppm.configure(kRate, 2, 0.05);
        s->strip.configure(2, 2, 64, StripParams{}, false);
      }
      bool sawHold = false, sawExpiry = false;
      for (int b = 0; b < 40; ++b) {
        std::vector<float> block(128, 0.01f), busA(256, 0.0f), busB(256, 0.0f);
        if (b == 1) block[at] = 0.9f;
        std::vector<float> refIo = block;
        ref.strip.processMono(refIo.data(), busA.data(), 128);
        ref.ppm.addMono(refIo.data(), 128);
        MonoLevels levels;
        mixAndMeterMono(fused.strip, fused.ppm, block.data(), busB.data(), 128, levels);
        INFO("peak at ", at, ", block ", b);
        REQUIRE(sameBits(ref.ppm.holdDb(0), fused.ppm.holdDb(0)));
        REQUIRE(sameBits(ref.ppm.peakDb(1), fused.ppm.peakDb(1)));
        sawHold = sawHold || (b > 1 && fused.ppm.holdDb(0) > fused.ppm.peakDb(0));
        sawExpiry = sawExpiry || (sawHold && fused.ppm.holdDb(0) == fused.ppm.peakDb(0));
      }
      CHECK(sawHold);
      CHECK(sawExpiry);
    }
  }
}
