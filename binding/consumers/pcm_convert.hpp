// Float samples to integer PCM, as every integer-format writer stores them (WAV, FLAC): scaled,
// rounded to nearest and clipped to [-1, 1); 16-bit with TPDF dither, 24-bit plain rounding. One
// implementation, so a 16-bit WAV and a 16-bit FLAC of the same mix hold the same samples.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace ringmix::consumers {

// Float to `bits`-bit integer samples (16 or 24; not validated here) for one writer: the dither's
// generator runs on from call to call, from a fixed seed (the same input gives the same file).
class PcmQuantizer {
 public:
  explicit PcmQuantizer(int bits) : bits_(bits), scale_(bits == 16 ? 32768.0 : 8388608.0) {}

  int bits() const noexcept { return bits_; }

  // `samples` samples to integers in the low bits of each int32 (sign-extended), as libFLAC
  // takes them.
  void toInt32(const float* in, std::size_t samples, std::int32_t* out) {
    each(in, samples, [&](std::int32_t v) { *out++ = v; });
  }

  // `samples` samples to little-endian two's complement of bits/8 bytes each, as WAV stores them.
  void toLittleEndian(const float* in, std::size_t samples, std::uint8_t* out) {
    if (bits_ == 24) {
      each(in, samples, [&](std::int32_t s) {
        const auto v = static_cast<std::uint32_t>(s);
        out[0] = static_cast<std::uint8_t>(v);
        out[1] = static_cast<std::uint8_t>(v >> 8);
        out[2] = static_cast<std::uint8_t>(v >> 16);
        out += 3;
      });
    } else {
      each(in, samples, [&](std::int32_t s) {
        const auto v = static_cast<std::uint32_t>(s);
        out[0] = static_cast<std::uint8_t>(v);
        out[1] = static_cast<std::uint8_t>(v >> 8);
        out += 2;
      });
    }
  }

 private:
  // Scales, adds dither, rounds to nearest and clips to the integer range: [-1, 1) in float
  // terms. NaN becomes silence rather than a full-scale click.
  static std::int32_t quantize(float x, double scale, double dither) {
    double v = static_cast<double>(x) * scale + dither;
    if (!(v >= -scale)) return std::isnan(v) ? 0 : static_cast<std::int32_t>(-scale);
    if (v > scale - 1) return static_cast<std::int32_t>(scale - 1);
    return static_cast<std::int32_t>(std::lrint(v));
  }

  template <class Put>
  void each(const float* in, std::size_t samples, Put put) {
    if (bits_ == 16) {
      // TPDF dither of ±1 LSB (the difference of two uniform draws) decorrelates the 16-bit
      // rounding error from the signal: hiss instead of distortion on quiet passages.
      constexpr double kUnit = 1.0 / 4294967296.0;
      for (std::size_t i = 0; i < samples; ++i) {
        const double a = nextRandom() * kUnit;
        const double b = nextRandom() * kUnit;
        put(quantize(in[i], scale_, a - b));
      }
    } else {
      // No dither: 24 bits of rounding error sit below any converter's noise floor.
      for (std::size_t i = 0; i < samples; ++i) put(quantize(in[i], scale_, 0.0));
    }
  }

  std::uint32_t nextRandom() noexcept {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    return rng_;
  }

  int bits_;
  double scale_;
  std::uint32_t rng_ = 0x2545F491;  // xorshift32 state: fixed seed, reproducible dither
};

}  // namespace ringmix::consumers
