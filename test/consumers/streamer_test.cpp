// The streamer: the mix encoded for the network, taken by the JS side in pieces. What it hands out
// is written to a file here and decoded by ffmpeg: the tone at its level and pitch, no frame lost
// or added, the lag reported, and a lapped reader's gap filled with silence of the exact length.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numbers>
#include <thread>

#include "consumers/streamer.hpp"
#include "mp3_test_util.hpp"
#include "wav_test_util.hpp"

using namespace wavtest;
using namespace mp3test;
using ringmix::consumers::FileFormat;
using ringmix::consumers::Streamer;
using ringmix::consumers::StreamSpec;

namespace {

constexpr unsigned kCh = 2;
constexpr double kRate = 48000;

// Writes `frames` of a 1 kHz tone at 0.5 (left) and silence (right) into the ring, from `at`.
void produce(ringmix::rt::SpmcRing<float>& ring, std::size_t& at, std::size_t frames) {
  std::vector<float> chunk(256 * kCh);
  for (std::size_t done = 0; done < frames; done += 256) {
    for (std::size_t i = 0; i < 256; ++i) {
      chunk[i * kCh] = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * 1000 * static_cast<double>(at + i) / kRate));
      chunk[i * kCh + 1] = 0;
    }
    ring.write(chunk.data(), chunk.size());
    at += 256;
  }
}

void save(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("an MP3 stream taken in pieces decodes to the tone, every frame there") {
  if (!haveDecoders()) {
    MESSAGE("ffmpeg/sox missing: scripts/setup.sh installs them");
    return;
  }
  TempDir dir;
  ringmix::rt::SpmcRing<float> ring(48000 * kCh);
  StreamSpec spec;
  spec.format = FileFormat::mp3;
  spec.sampleRate = 48000;
  spec.bitrateKbps = 320;
  Streamer s(ring, kCh, spec);
  CHECK(s.bitrateKbps() == 320);
  CHECK(std::string(s.contentType()) == "audio/mpeg");
  CHECK_FALSE(s.inBandMetadata());
  CHECK_FALSE(s.setMetadata({{"title", "x"}}).has_value());
  std::vector<std::uint8_t> stream;
  std::size_t at = 0;
  bool sawLag = false;
  // Three seconds in 10 ms blocks, taken every 50 ms, as the JS side would.
  for (int block = 0; block < 300; ++block) {
    produce(ring, at, 512);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (block % 5 == 4) {
      auto t = s.take();
      stream.insert(stream.end(), t.bytes.begin(), t.bytes.end());
      if (t.lagFrames) {
        sawLag = true;
        CHECK(*t.lagFrames < at);
      }
    }
  }
  auto tail = s.stop();
  stream.insert(stream.end(), tail.begin(), tail.end());
  const auto st = s.stats();
  CHECK(sawLag);
  CHECK(st.framesEncoded + st.lostFrames >= at);  // from the reader's start: everything produced
  CHECK(st.framesEncoded == at);
  CHECK(st.droppedBytes == 0);
  CHECK(st.bytesEncoded == stream.size());
  CHECK(s.stop().empty());  // idempotent
  // 320 kbit/s CBR at 48 kHz: 960 bytes per 1152-sample frame.
  CHECK(std::abs(static_cast<double>(stream.size()) - static_cast<double>(at) / 1152.0 * 960.0) < 3 * 960.0);
  const std::string path = dir.file("stream.mp3");
  save(path, stream);
  const auto audio = decodeWithFfmpeg(path, kCh);
  // No Info frame (a stream): the decoder keeps LAME's delay and padding, at most two frames more.
  const std::size_t frames = audio.size() / kCh;
  CHECK(frames >= at);
  CHECK(frames <= at + 2 * 1152 + 1152);
  CHECK(toneAmplitude(audio, kCh, 0, 48000, 48000, 1000, kRate) == doctest::Approx(0.5).epsilon(0.03));
  CHECK(peakFrequency(audio, kCh, 0, 48000, 48000, kRate) == doctest::Approx(1000).epsilon(0.0005));
  CHECK(toneAmplitude(audio, kCh, 1, 48000, 48000, 1000, kRate) < 0.005);
}

TEST_CASE("a streamer that is lapped encodes the gap as silence of the exact length") {
  ringmix::rt::SpmcRing<float> ring(4096 * kCh);
  StreamSpec spec;
  spec.format = FileFormat::mp3;
  spec.sampleRate = 48000;
  Streamer s(ring, kCh, spec);
  std::size_t at = 0;
  for (int burst = 0; burst < 5; ++burst) {
    produce(ring, at, 40'960);  // ten times the ring at once
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    s.take();
  }
  s.stop();
  const auto st = s.stats();
  CHECK(st.dropouts >= 1);
  CHECK(st.lostFrames > 0);
  CHECK(st.framesEncoded == at);  // read + silence = everything the mix produced since the start
}

TEST_CASE("bytes the JS side never takes are dropped past the bound, counted") {
  ringmix::rt::SpmcRing<float> ring(48000 * kCh);
  StreamSpec spec;
  spec.format = FileFormat::mp3;
  spec.sampleRate = 48000;
  spec.bitrateKbps = 32;  // 10 s at 32 kbit/s is 40 KB: below the 64 KiB floor, so 64 KiB
  Streamer s(ring, kCh, spec);
  std::size_t at = 0;
  for (int i = 0; i < 40; ++i) {  // 20 s of audio, never taken
    produce(ring, at, 24'064);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Wait for the thread to have encoded it all (no wall-clock assertion: a bounded wait).
  for (int i = 0; i < 2000 && s.stats().framesEncoded < at; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto st = s.stats();
  CHECK(st.droppedBytes > 0);
  const auto t = s.take();
  CHECK(t.bytes.size() <= 64 * 1024 + 16 * 1024);  // the bound, give or take the newest chunk
  CHECK(st.bytesEncoded - st.droppedBytes == t.bytes.size());
}

// setMetadata() while the thread may or may not have served the last call: its numbers step by
// one at most, and the stream holds exactly one chained stream per number (the JS side waits for
// that stream's first page: a number with no stream behind it left a title change waiting).
TEST_CASE("an Opus stream's title changes: one chained stream for each number setMetadata() returned") {
  ringmix::rt::SpmcRing<float> ring(48000 * kCh);
  StreamSpec spec;
  spec.format = FileFormat::opus;
  spec.sampleRate = 48000;
  spec.bitrateKbps = 64;
  Streamer s(ring, kCh, spec);
  REQUIRE(s.inBandMetadata());
  std::size_t at = 0;
  std::uint64_t last = 0;
  std::vector<std::uint8_t> bytes;
  for (int i = 0; i < 30; ++i) {
    const auto n = s.setMetadata({{"title", "song " + std::to_string(i)}});
    REQUIRE(n.has_value());
    CHECK((*n == last || *n == last + 1));
    last = *n;
    if (i % 3 == 0) {  // some calls back to back, others with audio and time between
      produce(ring, at, 960);
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    const auto t = s.take();
    bytes.insert(bytes.end(), t.bytes.begin(), t.bytes.end());
  }
  const auto tail = s.stop();
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  std::uint64_t bos = 0;
  for (std::size_t p = 0; p + 27 <= bytes.size();) {  // Ogg pages: header, segment table, body
    REQUIRE(std::memcmp(bytes.data() + p, "OggS", 4) == 0);
    if (bytes[p + 5] & 0x02) ++bos;
    const std::size_t segments = bytes[p + 26];
    std::size_t body = 0;
    for (std::size_t k = 0; k < segments; ++k) body += bytes[p + 27 + k];
    p += 27 + segments + body;
  }
  CHECK(last >= 1);
  CHECK(bos == last + 1);  // the first stream, then one per number
}
