// Test signals for the master DSP tests, generated from their descriptions (EBU Tech 3341/3342
// tones and level sequences, noise, music-like material). Interleaved float.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace dsptest {

inline constexpr double kPi = 3.14159265358979323846;

inline double fromDb(double db) { return std::pow(10.0, db / 20.0); }
inline double toDb(double a) { return 20.0 * std::log10(a); }

// A tone whose level changes in steps: each segment is (seconds, dBFS peak amplitude). The phase
// runs on across segments (a gain change of one tone), every channel the same.
struct Segment {
  double seconds;
  double dbfs;
};
inline std::vector<float> toneSequence(double fs, unsigned channels, double freq, const std::vector<Segment>& segs,
                                       double phase = 0.0) {
  std::vector<float> out;
  std::uint64_t n = 0;
  for (const Segment& s : segs) {
    const auto frames = static_cast<std::uint64_t>(std::llround(s.seconds * fs));
    const double a = s.dbfs <= -300 ? 0.0 : fromDb(s.dbfs);
    for (std::uint64_t i = 0; i < frames; ++i, ++n) {
      const auto v = static_cast<float>(a * std::sin(2.0 * kPi * freq * static_cast<double>(n) / fs + phase));
      for (unsigned c = 0; c < channels; ++c) out.push_back(v);
    }
  }
  return out;
}

inline std::vector<float> tone(double fs, unsigned channels, double freq, double dbfs, double seconds,
                               double phase = 0.0) {
  return toneSequence(fs, channels, freq, {{seconds, dbfs}}, phase);
}

// Independent white noise per channel, uniform, at an RMS level.
inline std::vector<float> whiteNoise(double fs, unsigned channels, double rmsDb, double seconds, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const double a = fromDb(rmsDb) * std::sqrt(3.0);  // uniform on [-a, a] has RMS a / sqrt(3)
  const auto frames = static_cast<std::size_t>(seconds * fs);
  std::vector<float> out(frames * channels);
  for (auto& v : out) v = static_cast<float>(a * u(rng));
  return out;
}

// Pink-ish noise (-3 dB/octave from ~20 Hz up): white noise through a bank of one-pole low-passes
// an octave apart, each weighted so that every octave carries the same power.
inline std::vector<float> pinkNoise(double fs, unsigned channels, double rmsDb, double seconds, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  const auto frames = static_cast<std::size_t>(seconds * fs);
  std::vector<double> y(frames * channels);
  constexpr int kPoles = 11;  // 20 Hz ... 20 kHz
  for (unsigned c = 0; c < channels; ++c) {
    double state[kPoles] = {};
    for (std::size_t i = 0; i < frames; ++i) {
      const double w = g(rng);
      double s = 0.0;
      for (int k = 0; k < kPoles; ++k) {
        const double fc = 20.0 * std::pow(2.0, k);
        const double a = std::exp(-2.0 * kPi * fc / fs);
        // Weighted 1/sqrt(fc): at f the stages above f add up to ~f^-1/2 and the ones below
        // (falling as fc/f) to the same order, so the amplitude goes as f^-1/2: power as 1/f.
        state[k] = a * state[k] + (1.0 - a) * w;
        s += state[k] / std::sqrt(fc);
      }
      y[i * channels + c] = s;
    }
  }
  double ms = 0.0;
  for (double v : y) ms += v * v;
  const double scale = fromDb(rmsDb) / std::sqrt(ms / static_cast<double>(y.size()));
  std::vector<float> out(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) out[i] = static_cast<float>(y[i] * scale);
  return out;
}

// Music-like material: chords of harmonic tones with plucked envelopes, a noise "hi-hat" and a
// low "kick", in sections at different levels (sectionDb, 4 s each, cycling), stereo-panned.
inline std::vector<float> musicLike(double fs, unsigned channels, double seconds, unsigned seed,
                                    const std::vector<double>& sectionDb = {-20, -14, -26, -18, -32, -16}) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const auto frames = static_cast<std::size_t>(seconds * fs);
  std::vector<float> out(frames * channels);
  const double notes[] = {110.0, 138.59, 164.81, 220.0, 277.18, 329.63, 440.0, 554.37, 659.26, 880.0};
  const double beat = 0.5;  // seconds
  double hat = 0.0;
  for (std::size_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / fs;
    const auto section = static_cast<std::size_t>(t / 4.0) % sectionDb.size();
    const double level = fromDb(sectionDb[section]);
    const auto b = static_cast<std::uint64_t>(t / beat);
    const double tb = t - static_cast<double>(b) * beat;
    double l = 0.0, r = 0.0;
    for (int v = 0; v < 3; ++v) {  // a chord of three voices, changing every beat
      const double f = notes[(b * 3 + static_cast<std::uint64_t>(v) * 2) % 10];
      const double env = std::exp(-tb * 4.0);
      double s = 0.0;
      for (int h = 1; h <= 8; ++h) s += std::sin(2.0 * kPi * f * h * t) / (h * h * 0.5 + 0.5);
      const double pan = 0.25 + 0.25 * v;
      l += s * env * (1.0 - pan);
      r += s * env * pan;
    }
    const double kick = std::sin(2.0 * kPi * 55.0 * tb) * std::exp(-tb * 20.0) * 2.0;
    hat = 0.5 * hat + 0.5 * g(rng);  // not quite white
    const double hatEnv = std::exp(-std::fmod(t, beat / 2.0) * 60.0) * 0.3;
    const double n = (g(rng) - hat) * hatEnv;
    l = (l + kick + n) * level;
    r = (r + kick - n) * level;
    if (channels == 1) {
      out[i] = static_cast<float>(0.5 * (l + r));
    } else {
      out[i * channels] = static_cast<float>(l);
      out[i * channels + 1] = static_cast<float>(r);
    }
  }
  (void)u;
  return out;
}

// A naive square wave (every sample +-amplitude): harmonics aliased across the whole band.
inline std::vector<float> squareWave(double fs, unsigned channels, double freq, double amplitude, double seconds) {
  const auto frames = static_cast<std::size_t>(seconds * fs);
  std::vector<float> out(frames * channels);
  for (std::size_t i = 0; i < frames; ++i) {
    const double ph = std::fmod(freq * static_cast<double>(i) / fs + 0.013, 1.0);
    for (unsigned c = 0; c < channels; ++c) out[i * channels + c] = static_cast<float>(ph < 0.5 ? amplitude : -amplitude);
  }
  return out;
}

// A band-limited square wave: its odd harmonics below maxFreq, summed.
inline std::vector<float> bandLimitedSquare(double fs, unsigned channels, double freq, double amplitude, double seconds,
                                            double maxFreq) {
  const auto frames = static_cast<std::size_t>(seconds * fs);
  std::vector<float> out(frames * channels);
  for (std::size_t i = 0; i < frames; ++i) {
    double s = 0.0;
    for (int h = 1; h * freq < maxFreq; h += 2) s += std::sin(2.0 * kPi * h * freq * static_cast<double>(i) / fs + 0.3 * h) / h;
    for (unsigned c = 0; c < channels; ++c) out[i * channels + c] = static_cast<float>(amplitude * 4.0 / kPi * s);
  }
  return out;
}

// Raised-cosine fade in and out: a tone switched on abruptly rings (its reconstruction overshoots
// near the onset, as a band-limited step does), which is not what the true-peak cases describe.
inline void fade(std::vector<float>& x, unsigned channels, double fs, double ms) {
  const std::size_t frames = x.size() / channels;
  const auto n = std::min(frames / 2, static_cast<std::size_t>(ms * 1e-3 * fs));
  for (std::size_t i = 0; i < n; ++i) {
    const auto g = static_cast<float>(0.5 - 0.5 * std::cos(kPi * static_cast<double>(i) / static_cast<double>(n)));
    for (unsigned c = 0; c < channels; ++c) {
      x[i * channels + c] *= g;
      x[(frames - 1 - i) * channels + c] *= g;
    }
  }
}

inline void scale(std::vector<float>& x, double db) {
  const auto g = static_cast<float>(fromDb(db));
  for (auto& v : x) v *= g;
}

inline std::vector<float> concat(std::vector<float> a, const std::vector<float>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline std::vector<float> silence(double fs, unsigned channels, double seconds) {
  return std::vector<float>(static_cast<std::size_t>(seconds * fs) * channels, 0.0f);
}

}  // namespace dsptest
