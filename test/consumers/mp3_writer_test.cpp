// The MP3 writer, read back by ffmpeg: exact length (the Info frame's delay and padding trimmed),
// a 1 kHz tone at -6 dBFS at its level and frequency and in place, checkpoints that do not end
// the stream, NaN as silence, ID3v2 tags through ffprobe, and speed. (mp3_crash_test.cpp: SIGKILL
// after a checkpoint, a full disk.)
#include <doctest/doctest.h>

#include <chrono>
#include <limits>
#include <stdexcept>

#include "consumers/file_writer.hpp"
#include "consumers/mp3_writer.hpp"
#include "mp3_test_util.hpp"

using namespace mp3test;
using ringmix::consumers::Mp3Writer;
using ringmix::consumers::openWriter;

namespace {

std::string invalidArgument(const WriterSpec& s) {
  try {
    openWriter(s);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument)";
}

}  // namespace

TEST_SUITE("mp3") {

TEST_CASE("what MP3 cannot carry is refused before a file exists") {
  TempDir dir;
  const std::string path = dir.file("x.mp3");
  CHECK(invalidArgument(mp3Spec(path, 3)).rfind("channels: 3", 0) == 0);
  CHECK(invalidArgument(mp3Spec(path, 2, 96000)).rfind("sampleRate: 96000", 0) == 0);
  CHECK(invalidArgument(mp3Spec(path, 2, 44000)).rfind("sampleRate: 44000", 0) == 0);
  CHECK(invalidArgument(mp3Spec(path, 2, 48000, 100)).rfind("bitrateKbps: 100", 0) == 0);
  CHECK(invalidArgument(mp3Spec(path, 2, 22050, 320)).rfind("bitrateKbps: 320", 0) == 0);
  CHECK(invalidArgument(mp3Spec(path, 1, 8000, 80)).rfind("bitrateKbps: 80", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(Mp3Writer::resolveBitrate(mp3Spec(path, 2, 48000)) == 192);
  CHECK(Mp3Writer::resolveBitrate(mp3Spec(path, 2, 22050)) == 160);
  CHECK(Mp3Writer::resolveBitrate(mp3Spec(path, 1, 8000)) == 64);
  CHECK(Mp3Writer::resolveBitrate(mp3Spec(path, 2, 44100, 320)) == 320);
}

TEST_CASE("a 1 kHz tone at -6 dBFS: exact length, level, frequency, in place") {
  if (!haveDecoders()) return;
  TempDir dir;
  struct Case { std::uint32_t rate; unsigned channels; int kbps; };
  for (const Case c : {Case{48000, 2, 0}, Case{44100, 2, 128}, Case{48000, 1, 96}, Case{32000, 2, 320},
                       Case{22050, 1, 0}, Case{8000, 1, 0}}) {
    CAPTURE(c.rate);
    CAPTURE(c.channels);
    CAPTURE(c.kbps);
    const std::string path = dir.file("tone" + std::to_string(c.rate) + "-" + std::to_string(c.channels) + ".mp3");
    const std::size_t frames = 2 * c.rate + 777;  // not a whole number of MP3 frames
    const auto input = sine(frames, c.channels, c.rate, kMinus6dB);
    auto w = openWriter(mp3Spec(path, c.channels, c.rate, c.kbps));
    writeInBlocks(*w, input, c.channels, 1000);
    w->finish();
    CHECK(w->framesWritten() == frames);
    CHECK(std::filesystem::file_size(path) == w->bytesWritten());

    const auto decoded = decodeWithFfmpeg(path, c.channels);
    // The Info frame's delay and padding let ffmpeg trim to the exact length.
    CHECK(decoded.size() / c.channels == frames);
    REQUIRE(decoded.size() / c.channels + kMp3Frame >= frames);
    const std::size_t len = c.rate / 2, from = c.rate / 2;  // half a second from 0.5 s on
    for (unsigned ch = 0; ch < c.channels; ++ch) {
      CAPTURE(ch);
      const double level = 20 * std::log10(toneAmplitude(decoded, c.channels, ch, from, len, 1000, c.rate));
      CHECK(std::abs(level - 20 * std::log10(kMinus6dB)) < 0.5);
      CHECK(std::abs(peakFrequency(decoded, c.channels, ch, from, len, c.rate) - 1000.0) <= 0.5);
    }
    // In place: the decoded samples line up with the input (the delay is trimmed exactly).
    const double snr = snrDb(decoded, input, 0, std::min(decoded.size(), input.size()));
    MESSAGE("mp3 " << c.rate << " Hz " << c.channels << " ch " << c.kbps << " kbit/s: " << decoded.size() / c.channels
                   << " of " << frames << " frames, SNR " << snr << " dB");
    CHECK(snr > 20.0);
    const std::size_t upTo = std::min(decoded.size(), input.size());
    CHECK(snr > snrDbLagged(decoded, input, c.channels, 1, upTo) + 3);
    CHECK(snr > snrDbLagged(decoded, input, c.channels, -1, upTo) + 3);
    // (sox here has no MP3 reader: libsox-fmt-mp3 is not installed.)
    CHECK(ffprobeStream(path, "sample_rate") == std::to_string(c.rate));
    CHECK(ffprobeStream(path, "channels") == std::to_string(c.channels));
    CHECK(ffprobeStream(path, "bit_rate") == std::to_string(1000 * Mp3Writer::resolveBitrate(mp3Spec(path, c.channels, c.rate, c.kbps))));
  }
}

TEST_CASE("checkpoints do not end the stream; finish() is idempotent") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("checkpoints.mp3");
  const std::size_t frames = 3 * 48000 + 123;
  const auto input = sine(frames, 2, 48000, kMinus6dB);
  auto w = openWriter(mp3Spec(path, 2));
  w->checkpoint();  // before any audio: nothing to describe yet
  for (std::size_t at = 0; at < frames; at += 10007) {
    w->write(input.data() + at * 2, std::min<std::size_t>(10007, frames - at));
    w->checkpoint();
  }
  w->finish();
  CHECK_NOTHROW(w->finish());
  CHECK_THROWS_AS(w->write(input.data(), 1), std::logic_error);
  const auto decoded = decodeWithFfmpeg(path, 2);
  CHECK(decoded.size() / 2 == frames);
  const double snr = snrDb(decoded, input, 0, input.size());
  CAPTURE(snr);
  CHECK(snr > 20.0);  // no padding or gap where a checkpoint was
}

TEST_CASE("NaN and infinities become silence; no audio at all makes an empty stream") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("nan.mp3");
  auto input = sine(3 * 48000, 2, 48000, kMinus6dB);
  for (std::size_t i = 48000 * 2; i < 96000 * 2; ++i)
    input[i] = (i % 3 == 0) ? std::numeric_limits<float>::quiet_NaN()
                            : (i % 3 == 1 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity());
  {
    auto w = openWriter(mp3Spec(path, 2));
    writeInBlocks(*w, input, 2);
  }  // no finish(): the destructor completes the file
  const auto decoded = decodeWithFfmpeg(path, 2);
  REQUIRE(decoded.size() == input.size());
  float loudest = 0;
  for (std::size_t i = 52000 * 2; i < 92000 * 2; ++i) loudest = std::max(loudest, std::abs(decoded[i]));
  CHECK(loudest < 0.001f);
  const double level = 20 * std::log10(toneAmplitude(decoded, 2, 1, 120000, 24000, 1000, 48000));
  CHECK(std::abs(level - 20 * std::log10(kMinus6dB)) < 0.5);  // the tone comes back after

  const std::string empty = dir.file("empty.mp3");
  openWriter(mp3Spec(empty, 1))->finish();
  // (Not through decodeWithFfmpeg: its memcpy of zero bytes from an empty string trips UBSan.)
  const std::string raw = run("ffmpeg -nostdin -v error -i '" + empty + "' -f f32le -ac 1 -");
  CHECK(raw.size() / sizeof(float) <= kMp3Frame);
  MESSAGE("mp3 with no audio: " << std::filesystem::file_size(empty) << " bytes, "
                                 << raw.size() / sizeof(float) << " samples decoded");
}

TEST_CASE("ID3v2 tags at the front, read back by ffprobe; the Info frame after them") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("tagged.mp3");
  auto s = mp3Spec(path, 2);
  s.metadata = {{"title", "Take 1"},        {"artist", "The Mixers"}, {"comment", "ringmix test"},
                {"date", "2026-11-26T19:00"}, {"genre", "Jazz"},       {"album", "Caf\xc3\xa9 sessions"}};
  auto w = std::make_unique<Mp3Writer>(s);
  const auto input = sine(48000, 2, 48000, kMinus6dB);
  writeInBlocks(*w, input, 2);
  w->finish();
  CHECK(ffprobeTag(path, "title") == "Take 1");
  CHECK(ffprobeTag(path, "artist") == "The Mixers");
  CHECK(ffprobeTag(path, "comment") == "ringmix test");
  CHECK(ffprobeTag(path, "date") == "2026");
  CHECK(ffprobeTag(path, "genre") == "Jazz");
  CHECK(ffprobeTag(path, "album") == "Caf\xc3\xa9 sessions");  // UTF-16 in the tag
  const auto b = readBytes(path);
  REQUIRE(b.size() > w->tagBytes() + 64);
  CHECK(std::string(b.begin(), b.begin() + 3) == "ID3");
  CHECK(b[w->tagBytes()] == 0xFF);  // a frame sync right after the tag
  const std::string head(b.begin() + static_cast<long>(w->tagBytes()), b.begin() + static_cast<long>(w->tagBytes()) + 64);
  CHECK(head.find("Info") != std::string::npos);  // CBR's Xing header, filled in at finish()
  CHECK(decodeWithFfmpeg(path, 2).size() == input.size());
}

TEST_CASE("encode speed, 48 kHz stereo at 192 kbit/s") {
  TempDir dir;
  const std::size_t frames = 20 * 48000;
  const auto input = sine(frames, 2, 48000, kMinus6dB);
  auto w = openWriter(mp3Spec(dir.file("speed.mp3"), 2));
  const auto t0 = std::chrono::steady_clock::now();
  writeInBlocks(*w, input, 2, 480);
  w->finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("mp3 encode: " << 20.0 / seconds << "x real time (48 kHz stereo, 192 kbit/s)");
  CHECK(20.0 / seconds > 2.0);
}

}  // TEST_SUITE
