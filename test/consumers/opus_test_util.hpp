// Helpers for the Ogg/Opus tests: the spec, the file's Ogg pages read from its bytes (a reader of
// our own, for what decoders do not report: page flags, granules, serials, the OpusHead fields),
// and the two real decoders: ffmpeg and opusdec (libopusfile, which reads chained links one by
// one), both at Opus's 48 kHz. Tone measures are the MP3 tests'.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mp3_test_util.hpp"

namespace opustest {

using namespace mp3test;

constexpr std::size_t kPacket = 960;  // 20 ms at 48 kHz
constexpr std::uint32_t kLookahead = 312;  // libopus's at 48 kHz, OPUS_APPLICATION_AUDIO

inline WriterSpec opusSpec(const std::string& path, unsigned channels, std::uint32_t rate = 48000, int kbps = 0) {
  WriterSpec s;
  s.path = path;
  s.format = FileFormat::opus;
  s.channels = channels;
  s.sampleRate = rate;
  s.bitrateKbps = kbps;
  return s;
}

inline bool haveOpusTools() {
  static const bool have = haveTool("opusdec") && haveTool("opusinfo");
  if (!have) MESSAGE("SKIPPED: opusdec/opusinfo not installed (apt-get install opus-tools)");
  return have;
}

struct Page {
  std::size_t at = 0;     // offset in the file
  std::size_t size = 0;   // header and body
  std::uint8_t flags = 0;  // 1 continued, 2 BOS, 4 EOS
  std::int64_t granule = 0;
  std::uint32_t serial = 0;
  std::uint32_t sequence = 0;
  std::vector<std::vector<std::uint8_t>> packets;  // whole packets that end on this page
  bool bos() const { return (flags & 2) != 0; }
  bool eos() const { return (flags & 4) != 0; }
};

// The pages of an Ogg file, in order; `rest` gets the bytes after the last whole page (a page cut
// short, or garbage). Packets are rebuilt across pages (one logical stream at a time).
inline std::vector<Page> oggPages(const std::vector<std::uint8_t>& b, std::size_t* rest = nullptr) {
  std::vector<Page> pages;
  std::vector<std::uint8_t> partial;
  std::size_t at = 0;
  while (at + 27 <= b.size() && std::memcmp(b.data() + at, "OggS", 4) == 0) {
    const std::size_t segments = b[at + 26];
    if (at + 27 + segments > b.size()) break;
    std::size_t body = 0;
    for (std::size_t i = 0; i < segments; ++i) body += b[at + 27 + i];
    if (at + 27 + segments + body > b.size()) break;
    Page p;
    p.at = at;
    p.size = 27 + segments + body;
    p.flags = b[at + 5];
    p.granule = static_cast<std::int64_t>(le64(b, at + 6));
    p.serial = le32(b, at + 14);
    p.sequence = le32(b, at + 18);
    std::size_t data = at + 27 + segments;
    for (std::size_t i = 0; i < segments; ++i) {
      const std::size_t len = b[at + 27 + i];
      partial.insert(partial.end(), b.begin() + static_cast<long>(data), b.begin() + static_cast<long>(data + len));
      data += len;
      if (len < 255) {
        p.packets.push_back(std::move(partial));
        partial.clear();
      }
    }
    pages.push_back(std::move(p));
    at += pages.back().size;
  }
  if (rest != nullptr) *rest = b.size() - at;
  return pages;
}

struct OpusHead {
  unsigned version = 0, channels = 0, preSkip = 0, family = 0;
  std::uint32_t inputRate = 0;
  int gain = 0;
};

inline OpusHead opusHead(const std::vector<std::uint8_t>& packet) {
  REQUIRE(packet.size() == 19);
  REQUIRE(std::string(packet.begin(), packet.begin() + 8) == "OpusHead");
  OpusHead h;
  h.version = packet[8];
  h.channels = packet[9];
  h.preSkip = packet[10] | packet[11] << 8;
  h.inputRate = le32(packet, 12);
  h.gain = static_cast<std::int16_t>(packet[16] | packet[17] << 8);
  h.family = packet[18];
  return h;
}

// The file as opusdec decodes it at 48 kHz (float, channels as stored), link after link.
inline std::vector<float> decodeWithOpusdec(const std::string& path) {
  const std::string raw = run("opusdec --quiet --float --rate 48000 '" + path + "' - 2>/dev/null");
  std::vector<float> samples(raw.size() / sizeof(float));
  if (!samples.empty()) std::memcpy(samples.data(), raw.data(), samples.size() * sizeof(float));
  return samples;
}

// ffmpeg's decoding at 48 kHz; empty-safe (decodeWithFfmpeg's memcpy of nothing trips UBSan).
inline std::vector<float> decodeOpus(const std::string& path, unsigned channels) {
  const std::string raw = run("ffmpeg -nostdin -v error -i '" + path + "' -f f32le -ac " + std::to_string(channels) + " -");
  std::vector<float> samples(raw.size() / sizeof(float));
  if (!samples.empty()) std::memcpy(samples.data(), raw.data(), samples.size() * sizeof(float));
  return samples;
}

// A tag of the (first) Opus stream as ffprobe reads it: Ogg's comments are stream tags.
inline std::string ffprobeStreamTag(const std::string& path, const std::string& tag) {
  return trim(run("ffprobe -v error -show_entries stream_tags=" + tag +
                  " -of default=noprint_wrappers=1:nokey=1 '" + path + "'"));
}

// ceil(frames × 48000 / rate): the length at 48 kHz of `frames` at `rate`.
inline std::size_t at48k(std::size_t frames, std::uint32_t rate) {
  return static_cast<std::size_t>((static_cast<std::uint64_t>(frames) * 48000 + rate - 1) / rate);
}

}  // namespace opustest
