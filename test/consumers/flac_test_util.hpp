// Helpers for the FLAC writer tests: the STREAMINFO block and the metadata blocks read from the
// file's bytes (FLAC is big-endian), the MD5 ffmpeg computes over what it decodes, and a writer
// spec. The decoders themselves are wav_test_util.hpp's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wav_test_util.hpp"

namespace flactest {

using namespace wavtest;

inline std::uint32_t be(const std::vector<std::uint8_t>& b, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | b[at + static_cast<std::size_t>(i)];
  return v;
}

struct StreamInfo {
  unsigned minBlock = 0, maxBlock = 0, minFrame = 0, maxFrame = 0;
  unsigned rate = 0, channels = 0, bits = 0;
  std::uint64_t totalSamples = 0;
  std::string md5;  // hex; all zeros: not computed
};

// STREAMINFO, which must be the first block right after "fLaC".
inline StreamInfo streamInfo(const std::vector<std::uint8_t>& b) {
  REQUIRE(b.size() >= 42);
  REQUIRE(std::string(b.begin(), b.begin() + 4) == "fLaC");
  REQUIRE((b[4] & 0x7F) == 0);  // block type 0: STREAMINFO
  REQUIRE(be(b, 5, 3) == 34);
  StreamInfo s;
  s.minBlock = be(b, 8, 2);
  s.maxBlock = be(b, 10, 2);
  s.minFrame = be(b, 12, 3);
  s.maxFrame = be(b, 15, 3);
  const std::uint64_t packed = static_cast<std::uint64_t>(be(b, 18, 4)) << 32 | be(b, 22, 4);
  s.rate = static_cast<unsigned>(packed >> 44);
  s.channels = static_cast<unsigned>((packed >> 41) & 0x7) + 1;
  s.bits = static_cast<unsigned>((packed >> 36) & 0x1F) + 1;
  s.totalSamples = packed & 0xFFFFFFFFFull;
  static const char* hex = "0123456789abcdef";
  for (std::size_t i = 26; i < 42; ++i) {
    s.md5 += hex[b[i] >> 4];
    s.md5 += hex[b[i] & 0xF];
  }
  return s;
}

struct Block {
  unsigned type;
  std::size_t at;  // the block's data
  std::size_t length;
};

// The metadata blocks in file order (0 STREAMINFO, 1 PADDING, 3 SEEKTABLE, 4 VORBIS_COMMENT, ...).
inline std::vector<Block> metadataBlocks(const std::vector<std::uint8_t>& b) {
  std::vector<Block> blocks;
  std::size_t at = 4;
  for (bool last = false; !last && at + 4 <= b.size();) {
    last = (b[at] & 0x80) != 0;
    const std::size_t length = be(b, at + 1, 3);
    blocks.push_back({static_cast<unsigned>(b[at] & 0x7F), at + 4, length});
    at += 4 + length;
  }
  return blocks;
}

// The MD5 of the audio as ffmpeg decodes it, as signed little-endian samples of `bits`
// interleaved: what STREAMINFO's MD5 covers.
inline std::string decodedMd5(const std::string& path, int bits) {
  const std::string out = trim(run("ffmpeg -nostdin -v error -i '" + path + "' -c:a pcm_s" +
                                   std::to_string(bits) + "le -f md5 - 2>/dev/null"));
  return out.rfind("MD5=", 0) == 0 ? out.substr(4) : out;
}

// The file as ffmpeg decodes it, channels as stored: no -ac, which would remix a layout that is
// not ffmpeg's default for the count (FLAC's 3 channels are L R C; ffmpeg's default is 2.1).
inline std::vector<float> decodeAsStored(const std::string& path) {
  std::string raw = run("ffmpeg -nostdin -v error -i '" + path + "' -f f32le -");
  std::vector<float> samples(raw.size() / sizeof(float));
  if (!samples.empty()) std::memcpy(samples.data(), raw.data(), samples.size() * sizeof(float));
  return samples;
}

// What ffmpeg complains about while decoding the whole file (empty: nothing).
inline std::string ffmpegErrors(const std::string& path) {
  return trim(run("ffmpeg -nostdin -v error -i '" + path + "' -f null - 2>&1"));
}

inline WriterSpec flacSpec(const std::string& path, int bits, unsigned channels, std::uint32_t rate = 48000) {
  WriterSpec s = spec(path, bits, channels, rate);
  s.format = FileFormat::flac;
  return s;
}

// White noise at half scale from a fixed seed, on the 24-bit grid (a 24-bit file holds it
// exactly): what no encoder can shrink much.
inline std::vector<float> noise(std::size_t frames, unsigned channels) {
  std::vector<float> v(frames * channels);
  std::uint32_t x = 12345;
  for (auto& s : v) {
    x = x * 1664525u + 1013904223u;
    s = static_cast<float>(static_cast<std::int32_t>(x) >> 9) / 8388608.0f;
  }
  return v;
}

}  // namespace flactest
