// Signal generation and analysis for the DSP tests: tones, an FFT, Goertzel levels, gain traces,
// a click detector. Test code (allocates freely).
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dsptest {

inline constexpr double kPi = 3.14159265358979323846;

inline double db(double amplitude) { return 20.0 * std::log10(amplitude); }
inline double fromDb(double d) { return std::pow(10.0, d / 20.0); }

// In-place iterative radix-2 FFT (size a power of two).
inline void fft(std::vector<std::complex<double>>& a) {
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const std::complex<double> w = std::polar(1.0, -2.0 * kPi / static_cast<double>(len));
    for (std::size_t i = 0; i < n; i += len) {
      std::complex<double> wk = 1.0;
      for (std::size_t k = 0; k < len / 2; ++k) {
        const auto u = a[i + k], v = a[i + k + len / 2] * wk;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        // Recomputing the twiddle now and then keeps its rounding from drifting over long rows.
        wk = (k + 1) % 64 == 0 ? std::polar(1.0, -2.0 * kPi * static_cast<double>(k + 1) / static_cast<double>(len)) : wk * w;
      }
    }
  }
}

// Runs `process(float* io, frames)` over a buffer in blocks of `block` frames (channels interleaved).
template <typename Process>
void inBlocks(std::vector<float>& io, std::uint32_t channels, std::uint32_t block, Process&& process) {
  const std::size_t frames = io.size() / channels;
  for (std::size_t f = 0; f < frames; f += block) {
    const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(block, frames - f));
    process(io.data() + f * channels, n);
  }
}

// Magnitude response (dB) of a block, from the FFT of its impulse response (channel 0 of a
// stereo run; the other channel gets the same impulse). Returns dB per bin, bins 0..n/2.
template <typename Process>
std::vector<double> measuredResponseDb(std::size_t n, Process&& process) {
  std::vector<float> io(2 * n, 0.0f);
  io[0] = io[1] = 1.0f;
  inBlocks(io, 2, 4096, process);
  std::vector<std::complex<double>> a(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = io[2 * i];
  fft(a);
  std::vector<double> out(n / 2 + 1);
  for (std::size_t k = 0; k <= n / 2; ++k) out[k] = db(std::abs(a[k]));
  return out;
}

// Interleaved tone: sine or square (odd symmetric: ±amp), same on every channel.
inline std::vector<float> tone(double fs, double freq, double amp, std::size_t frames, std::uint32_t channels = 2,
                               bool square = false, double phase = 0.0) {
  std::vector<float> x(frames * channels);
  for (std::size_t f = 0; f < frames; ++f) {
    const double s = std::sin(2.0 * kPi * freq * static_cast<double>(f) / fs + phase);
    const double v = square ? (s >= 0.0 ? amp : -amp) : amp * s;
    for (std::uint32_t c = 0; c < channels; ++c) x[f * channels + c] = static_cast<float>(v);
  }
  return x;
}

// A square wave's level as a function of time: amplitude amps[i] from frame starts[i] on.
inline std::vector<float> steppedSquare(double fs, double freq, const std::vector<std::size_t>& starts,
                                        const std::vector<double>& amps, std::size_t frames, std::uint32_t channels = 2) {
  std::vector<float> x = tone(fs, freq, 1.0, frames, channels, true);
  std::size_t seg = 0;
  for (std::size_t f = 0; f < frames; ++f) {
    while (seg + 1 < starts.size() && f >= starts[seg + 1]) ++seg;
    for (std::uint32_t c = 0; c < channels; ++c) x[f * channels + c] *= static_cast<float>(amps[seg]);
  }
  return x;
}

// Amplitude of the component at `freq` in channel `ch` over frames [from, from + count) (Goertzel,
// Hann-windowed so neighbouring components and the segment's edges do not leak in).
inline double goertzelAmplitude(const std::vector<float>& x, std::uint32_t channels, std::uint32_t ch, std::size_t from,
                                std::size_t count, double freq, double fs) {
  const double w = 2.0 * kPi * freq / fs, coeff = 2.0 * std::cos(w);
  double s1 = 0.0, s2 = 0.0, wsum = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const double win = 0.5 - 0.5 * std::cos(2.0 * kPi * static_cast<double>(i) / static_cast<double>(count));
    wsum += win;
    const double s0 = win * x[(from + i) * channels + ch] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double re = s1 - s2 * std::cos(w), im = s2 * std::sin(w);
  return 2.0 * std::sqrt(re * re + im * im) / wsum;
}

inline double rms(const std::vector<float>& x, std::uint32_t channels, std::uint32_t ch, std::size_t from, std::size_t count) {
  double s = 0.0;
  for (std::size_t i = 0; i < count; ++i) s += static_cast<double>(x[(from + i) * channels + ch]) * x[(from + i) * channels + ch];
  return std::sqrt(s / static_cast<double>(count));
}

// Per-frame gain (dB) of channel `ch`: 20·log10(|out| / |in|), for inputs with no zero samples
// (square waves). The gain reduction a dynamics block applied, sample by sample.
inline std::vector<double> gainTraceDb(const std::vector<float>& in, const std::vector<float>& out, std::uint32_t channels,
                                       std::uint32_t ch = 0) {
  std::vector<double> g(in.size() / channels);
  for (std::size_t f = 0; f < g.size(); ++f)
    g[f] = db(std::fabs(static_cast<double>(out[f * channels + ch])) / std::fabs(static_cast<double>(in[f * channels + ch])));
  return g;
}

// First index at or after `from` where pred(trace[i]) holds; trace.size() if none.
template <typename Pred>
std::size_t firstWhere(const std::vector<double>& trace, std::size_t from, Pred&& pred) {
  for (std::size_t i = from; i < trace.size(); ++i)
    if (pred(trace[i])) return i;
  return trace.size();
}

// Click detector: the largest |second difference| of channel `ch` over [from, to). The second
// difference is a high-pass (12 dB/octave, +6 dB at Nyquist) that leaves a low tone at a small,
// steady level (a 200 Hz tone at 48 kHz: 0.07 % of its amplitude) while a discontinuity in the
// signal or its slope shows at full size.
inline double maxSecondDifference(const std::vector<float>& x, std::uint32_t channels, std::uint32_t ch, std::size_t from,
                                  std::size_t to) {
  double m = 0.0;
  for (std::size_t f = std::max<std::size_t>(from, 2); f < to; ++f) {
    const double d = static_cast<double>(x[f * channels + ch]) - 2.0 * x[(f - 1) * channels + ch] + x[(f - 2) * channels + ch];
    m = std::max(m, std::fabs(d));
  }
  return m;
}

}  // namespace dsptest
