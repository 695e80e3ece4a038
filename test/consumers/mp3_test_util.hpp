// Helpers for the MP3 writer's tests: the spec, and measures of a decoded 1 kHz tone (its level and
// frequency through a windowed DFT bin, its alignment through the error against the input).
#pragma once

#include <complex>
#include <string>
#include <vector>

#include "wav_test_util.hpp"

namespace mp3test {

using namespace wavtest;

constexpr double kMinus6dB = 0.50118723362727224;  // -6 dBFS as an amplitude
constexpr std::size_t kMp3Frame = 1152;

inline WriterSpec mp3Spec(const std::string& path, unsigned channels, std::uint32_t rate = 48000, int kbps = 0) {
  WriterSpec s;
  s.path = path;
  s.format = FileFormat::mp3;
  s.channels = channels;
  s.sampleRate = rate;
  s.bitrateKbps = kbps;
  return s;
}

// Amplitude of the component at `freq` in channel `ch` of samples [from, from + len): a
// Hann-windowed single DFT bin (Goertzel's sum, written out), scaled by the window's gain.
inline double toneAmplitude(const std::vector<float>& v, unsigned channels, unsigned ch, std::size_t from,
                     std::size_t len, double freq, double rate) {
  std::complex<double> sum = 0;
  double gain = 0;
  const double w = 2 * std::numbers::pi * freq / rate;
  for (std::size_t i = 0; i < len; ++i) {
    const double hann = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(len));
    sum += hann * static_cast<double>(v[(from + i) * channels + ch]) * std::polar(1.0, -w * static_cast<double>(i));
    gain += hann;
  }
  return 2 * std::abs(sum) / gain;
}

// The strongest frequency between 980 and 1020 Hz (a wrong rate puts it at an edge), to 0.25 Hz.
inline double peakFrequency(const std::vector<float>& v, unsigned channels, unsigned ch, std::size_t from,
                     std::size_t len, double rate) {
  double best = 0, at = 0;
  for (double f = 980; f <= 1020; f += 0.25) {
    const double a = toneAmplitude(v, channels, ch, from, len, f, rate);
    if (a > best) best = a, at = f;
  }
  return at;
}

// Signal-to-error ratio in dB of `decoded` against `input` over samples [from, to): the codec's
// noise only if the two are aligned to the sample (a one-sample shift at 1 kHz costs ~18 dB).
inline double snrDb(const std::vector<float>& decoded, const std::vector<float>& input, std::size_t from,
             std::size_t to) {
  double sig = 0, err = 0;
  for (std::size_t i = from; i < to && i < decoded.size() && i < input.size(); ++i) {
    sig += static_cast<double>(input[i]) * input[i];
    err += (static_cast<double>(decoded[i]) - input[i]) * (static_cast<double>(decoded[i]) - input[i]);
  }
  return 10 * std::log10(sig / std::max(err, 1e-30));
}

inline std::string ffprobeStream(const std::string& path, const std::string& entry) {
  return trim(run("ffprobe -v error -select_streams a:0 -show_entries stream=" + entry +
                  " -of default=noprint_wrappers=1:nokey=1 '" + path + "'"));
}

// The same over `decoded` read `lag` frames late (lag -1 or 1): an aligned file does worse so.
inline double snrDbLagged(const std::vector<float>& decoded, const std::vector<float>& input, unsigned channels,
                   int lag, std::size_t to) {
  std::vector<float> shifted(decoded.size(), 0.0f);
  const std::size_t by = static_cast<std::size_t>(std::abs(lag)) * channels;
  for (std::size_t i = by; i < decoded.size(); ++i)
    if (lag > 0) shifted[i - by] = decoded[i];
    else shifted[i] = decoded[i - by];
  return snrDb(shifted, input, by, to - by);
}


}  // namespace mp3test
