// The mix cycle's fused mono pass (mix/mono_fuse.hpp: mixAndMeterMono()) against what it
// replaces, ChannelStrip::processMono() then PeakProgrammeMeter::addMono(), run side by side on
// the same blocks: after every block the bus, the peak meter's readings and holds on every
// channel and the block's levels (peak, sum of squares) must be the same bits, and the input
// buffer left as it was (pre-fader). Tones stepping up and down (holds set, kept and expiring:
// the hold is shortened to 50 ms), noise, silence with isolated peaks and subnormals, pure
// silence; random gains (muted too) and balance pans, changed every few blocks; blocks of every
// size from 1 to 300 in a scrambled order, then runs longer than the meter's kMaxRun; meters of
// 1, 2 and 8 channels, their channels first set apart by a stereo block; on the AVX-512 and AVX
// paths (where the CPU has them) and the SSE one. Then the kernels alone, side by side on blocks
// with tied peaks in even and odd groups (the AVX-512 loop's two halves): the same lanes, weights
// and last groups at the maxima, and the peak's last frame where a scan of the block puts it.
#include <doctest/doctest.h>

#include <algorithm>
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

// The fused pass's widths this CPU runs: 4, then 8 (AVX) and 16 (AVX-512) where it has them.
std::vector<std::uint32_t> widths() {
  std::vector<std::uint32_t> w{4};
  if (avxAvailable()) w.push_back(8);
  PeakProgrammeMeter m;
  ChannelStrip s;
  if (fuseWidth(s, m) == 16) w.push_back(16);
  if (w.size() < 3) MESSAGE("this CPU lacks AVX-512F or AVX: fused widths compared: ", w.size());
  return w;
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

// Both sides through the same blocks, the fused pass at `width` (16: the strips and meters at 8);
// returns the number of blocks compared.
std::size_t compare(const std::string& kind, unsigned meterChannels, std::uint32_t fused16) {
  const std::uint32_t width = std::min(fused16, 8u);
  const std::vector<std::uint32_t> sizes = blockSizes();
  std::size_t total = 0;
  for (std::uint32_t n : sizes) total += n;
  const std::vector<float> x = signal(kind, total);
  std::mt19937 rng(meterChannels * 131 + fused16);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::uniform_real_distribution<double> gainDb(-40.0, 12.0), pan(-1.0, 1.0);

  Side ref, fused;
  for (Side* s : {&ref, &fused}) {
    s->ppm.configure(kRate, meterChannels, 0.05);
    s->ppm.setVectorWidth(width);
    s->strip.setVectorWidth(width);
    REQUIRE(s->ppm.vectorWidth() == width);
    REQUIRE(s->strip.vectorWidth() == width);
    REQUIRE(fuseWidth(s->strip, s->ppm, fused16) == fused16);
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
    mixAndMeterMono(fused.strip, fused.ppm, io.data(), busFused.data(), n, levels, fused16);

    INFO(kind, ", ", meterChannels, " channel(s), width ", fused16, ", block ", block, " (", n, " frames)");
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
    for (std::uint32_t width : widths())
      for (unsigned ch : {1u, 2u, 8u})
        for (const std::string kind : {"tones", "noise", "silence+", "silence"}) CHECK(compare(kind, ch, width) == 305);
  }

  TEST_CASE("mono fuse: the hold sits where the reference puts it (a peak, then a hold that expires)") {
    // A peak at a known frame in a 128-frame block, then quiet blocks: the hold shows the peak
    // (aged from its position) until 50 ms later, then falls to the reading, on every path. Some
    // have a tie: the same peak again later, in the other half of the AVX-512 loop (an odd or even
    // group, the same lane or not), past frame 30, where the hold's expiry moves a block later.
    struct Peaks {
      std::uint32_t at, tie;
    };
    for (std::uint32_t width : widths())
    for (const Peaks pk : {Peaks{0, 0}, {5, 5}, {8, 8}, {63, 63}, {64, 64}, {120, 120}, {127, 127}, {20, 44}, {12, 36},
                           {28, 33}}) {
      const std::uint32_t at = pk.at;
      Side ref, fused;
      for (Side* s : {&ref, &fused}) {
        s->ppm.configure(kRate, 2, 0.05);
        s->strip.configure(2, 2, 64, StripParams{}, false);
        s->ppm.setVectorWidth(std::min(width, 8u)), s->strip.setVectorWidth(std::min(width, 8u));
      }
      bool sawHold = false, sawExpiry = false;
      for (int b = 0; b < 40; ++b) {
        std::vector<float> block(128, 0.01f), busA(256, 0.0f), busB(256, 0.0f);
        if (b == 1) block[at] = 0.9f, block[pk.tie] = -0.9f;
        std::vector<float> refIo = block;
        ref.strip.processMono(refIo.data(), busA.data(), 128);
        ref.ppm.addMono(refIo.data(), 128);
        MonoLevels levels;
        mixAndMeterMono(fused.strip, fused.ppm, block.data(), busB.data(), 128, levels, width);
        INFO("width ", width, ", peak at ", at, " and ", pk.tie, ", block ", b);
        REQUIRE(sameBits(ref.ppm.holdDb(0), fused.ppm.holdDb(0)));
        REQUIRE(sameBits(ref.ppm.peakDb(1), fused.ppm.peakDb(1)));
        sawHold = sawHold || (b > 1 && fused.ppm.holdDb(0) > fused.ppm.peakDb(0));
        sawExpiry = sawExpiry || (sawHold && fused.ppm.holdDb(0) == fused.ppm.peakDb(0));
      }
      CHECK(sawHold);
      CHECK(sawExpiry);
    }
  }

  TEST_CASE("mono fuse: the kernels agree on lanes, weights and where each lane's maximum last sits") {
    // Peaks from a few values at random frames over silence or a low floor: ties within a lane
    // across even and odd groups (the AVX-512 loop's two halves) and across lanes, a peak in the
    // odd group left over, NaNs (never a maximum, as in every path). Every kernel against SSE.
    const std::vector<std::uint32_t> ws = widths();
    std::mt19937 rng(2024);
    std::uniform_int_distribution<int> pick(0, 3);
    std::uniform_real_distribution<float> floor(-0.01f, 0.01f);
    float w0[8];
    for (int j = 0; j < 8; ++j) w0[j] = 0.5f + 0.0625f * static_cast<float>(j);
    const float step = 1.0001f, g = 0.75f, peaks[] = {0.25f, 0.5f, 0.9f, -0.9f};
    for (int trial = 0; trial < 600; ++trial) {
      const std::size_t n = trial < 580 ? static_cast<std::size_t>(trial % 145 + 1) : 8192 - (trial % 3) * 8 - trial % 2;
      std::vector<float> io(n);
      for (auto& v : io) v = trial % 3 == 0 ? 0.0f : floor(rng);
      std::uniform_int_distribution<std::size_t> at(0, n - 1);
      for (int i = trial % 7; i > 0; --i) io[at(rng)] = peaks[pick(rng)];
      if (trial % 11 == 5) io[at(rng)] = std::numeric_limits<float>::quiet_NaN();
      struct Out {
        std::vector<float> bus;
        mono_fuse::Lanes l;
        float w[8], at[8];
        std::size_t done;
      };
      std::vector<Out> outs(ws.size());
      for (std::size_t k = 0; k < ws.size(); ++k) {
        Out& o = outs[k];
        o.bus.assign(2 * n, 0.125f);
        o.done = ws[k] == 4    ? mono_fuse::runF4(io.data(), o.bus.data(), n, {g, 0.5f, 1.0f}, w0, step, o.l, o.w, o.at)
                 : ws[k] == 8 ? mono_fuse_avx::run(io.data(), o.bus.data(), n, g, 0.5f, 1.0f, w0, step, o.l.m,
                                                    o.l.top, o.l.sq, o.w, o.at)
                              : mono_fuse_avx::run512(io.data(), o.bus.data(), n, g, 0.5f, 1.0f, w0, step, o.l.m,
                                                      o.l.top, o.l.sq, o.w, o.at);
      }
      const Out& ref = outs[0];
      REQUIRE(ref.done == n / 8 * 8);
      for (std::size_t k = 1; k < ws.size(); ++k) {
        const Out& o = outs[k];
        INFO("trial ", trial, " (", n, " frames), width ", ws[k]);
        REQUIRE(o.done == ref.done);
        CHECK(std::memcmp(o.bus.data(), ref.bus.data(), 2 * n * sizeof(float)) == 0);
        for (int j = 0; j < 8; ++j) {
          INFO("lane ", j);
          CHECK(sameBits(o.l.m[j], ref.l.m[j]));
          CHECK(sameBits(o.l.top[j], ref.l.top[j]));
          CHECK(sameBits(o.l.sq[j], ref.l.sq[j]));
          CHECK(sameBits(o.w[j], ref.w[j]));
          CHECK(sameBits(o.at[j], ref.at[j]));
        }
      }
      // The last frame at the block's peak (of the whole groups): what the backward scan finds.
      if (ref.done == 0) continue;
      float peak = 0.0f;
      for (float t : ref.l.top) peak = std::max(peak, t);
      std::uint32_t last = 0;
      for (std::uint32_t f = 0; f < ref.done; ++f)
        if (std::fabs(io[f] * g) == peak) last = f;
      for (const Out& o : outs) CHECK(mono_fuse::lastFrameOf(o.l, o.at, peak) == last);
    }
  }
}
