// Helpers for the writer tests: temporary folders, signals, and the real decoders (ffmpeg, sox)
// run through popen, so what is checked is what a player would read.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <string>
#include <vector>

#include "consumers/file_writer.hpp"

namespace wavtest {

namespace fs = std::filesystem;
using ringmix::consumers::FileFormat;
using ringmix::consumers::WriterSpec;

// A fresh folder under the temporary directory, removed with everything in it at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "ringmix-wav-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

inline bool haveTool(const char* name) {
  return std::system((std::string("command -v ") + name + " >/dev/null 2>&1").c_str()) == 0;
}

// Both decoders must be there: the suite installs them (scripts/setup.sh), so a missing one is
// reported loudly, never passed over in silence.
inline bool haveDecoders() {
  static const bool have = haveTool("ffmpeg") && haveTool("ffprobe") && haveTool("sox");
  if (!have) MESSAGE("SKIPPED: ffmpeg/ffprobe/sox not installed (apt-get install sox ffmpeg)");
  return have;
}

// Runs a shell command and returns its standard output (binary-safe).
inline std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[65536];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The file as ffmpeg decodes it, as interleaved float32 with `channels` channels.
inline std::vector<float> decodeWithFfmpeg(const std::string& path, unsigned channels) {
  std::string raw = run("ffmpeg -nostdin -v error -i '" + path + "' -f f32le -ac " +
                        std::to_string(channels) + " -");
  std::vector<float> samples(raw.size() / sizeof(float));
  std::memcpy(samples.data(), raw.data(), samples.size() * sizeof(float));
  return samples;
}

// `sox --i <flag>`: -r rate, -c channels, -b bits, -s samples per channel, -e encoding.
inline std::string soxInfo(const std::string& path, const char* flag) {
  return trim(run(std::string("sox --i ") + flag + " '" + path + "' 2>/dev/null"));
}

// What sox complains about while reading the header (empty: nothing).
inline std::string soxWarnings(const std::string& path) {
  return trim(run("sox --i '" + path + "' 2>&1 >/dev/null"));
}

inline std::string ffprobeTag(const std::string& path, const std::string& tag) {
  return trim(run("ffprobe -v error -show_entries format_tags=" + tag +
                  " -of default=noprint_wrappers=1:nokey=1 '" + path + "'"));
}

inline std::vector<std::uint8_t> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}
inline std::uint64_t le64(const std::vector<std::uint8_t>& b, std::size_t at) {
  return le32(b, at) | static_cast<std::uint64_t>(le32(b, at + 4)) << 32;
}
inline std::string id(const std::vector<std::uint8_t>& b, std::size_t at) {
  return std::string(b.begin() + static_cast<long>(at), b.begin() + static_cast<long>(at) + 4);
}

// Offset of the chunk `want` among the top-level chunks (walking from the first after WAVE, up
// to and including "data"); npos when absent.
inline std::size_t chunkAt(const std::vector<std::uint8_t>& b, const std::string& want) {
  std::size_t at = 12;
  while (at + 8 <= b.size()) {
    if (id(b, at) == want) return at;
    if (id(b, at) == "data") break;
    const std::uint64_t size = le32(b, at + 4);
    at += 8 + size + (size & 1);
  }
  return std::string::npos;
}

// A 1 kHz sine at `amplitude`, a different phase per channel (so swapped channels show).
inline std::vector<float> sine(std::size_t frames, unsigned channels, double rate,
                               double amplitude = 0.5) {
  std::vector<float> v(frames * channels);
  for (std::size_t i = 0; i < frames; ++i)
    for (unsigned c = 0; c < channels; ++c)
      v[i * channels + c] = static_cast<float>(
          amplitude * std::sin(2 * std::numbers::pi * 1000.0 * static_cast<double>(i) / rate + c * 0.7));
  return v;
}

// A ramp from -1 up to just under +1 in steps of 1/4096 (exact on every grid down to 12 bits),
// restarting; channel c is offset by c steps.
inline std::vector<float> ramp(std::size_t frames, unsigned channels) {
  std::vector<float> v(frames * channels);
  for (std::size_t i = 0; i < frames; ++i)
    for (unsigned c = 0; c < channels; ++c)
      v[i * channels + c] = static_cast<float>(static_cast<int>((i + c) % 8192) - 4096) / 4096.0f;
  return v;
}

// Hands `samples` to the writer in blocks of `block` frames (the last one shorter), as a recorder
// would, so chunking inside the writer is crossed at odd places.
inline void writeInBlocks(ringmix::consumers::FileWriter& w, const std::vector<float>& samples,
                          unsigned channels, std::size_t block = 1000) {
  const std::size_t frames = samples.size() / channels;
  for (std::size_t at = 0; at < frames; at += block)
    w.write(samples.data() + at * channels, std::min(block, frames - at));
}

// Largest |decoded - input| in units of the format's least significant bit.
inline double maxErrorLsb(const std::vector<float>& decoded, const std::vector<float>& input,
                          int bits) {
  const double lsb = std::ldexp(1.0, -(bits - 1));
  double worst = 0;
  for (std::size_t i = 0; i < decoded.size() && i < input.size(); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(decoded[i]) - input[i]) / lsb);
  return worst;
}

inline WriterSpec spec(const std::string& path, int bits, unsigned channels,
                       std::uint32_t rate = 48000) {
  WriterSpec s;
  s.path = path;
  s.format = FileFormat::wav;
  s.bitDepth = bits;
  s.channels = channels;
  s.sampleRate = rate;
  return s;
}

}  // namespace wavtest
