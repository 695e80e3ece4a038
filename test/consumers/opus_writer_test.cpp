// The Ogg/Opus writer, read back by ffmpeg and opusdec: exact length (pre-skip and end trimming),
// at 48 kHz and through the resampler at other rates; a 1 kHz tone at -6 dBFS at its level and
// pitch and in place; channels kept apart; the OpusHead and page layout; tags through ffprobe
// and opusinfo; checkpoints that flush pages without ending the stream; NaN as silence; speed.
// (opus_stream_test.cpp: the stream encoder and chaining; opus_crash_test.cpp: SIGKILL, errors.)
#include <doctest/doctest.h>

#include <chrono>
#include <limits>
#include <stdexcept>

#include "consumers/file_writer.hpp"
#include "consumers/opus_writer.hpp"
#include "opus_test_util.hpp"

using namespace opustest;
using ringmix::consumers::openWriter;
using ringmix::consumers::OpusStreamEncoder;
using ringmix::consumers::OpusWriter;

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

TEST_SUITE("opus") {

TEST_CASE("what Opus cannot carry is refused before a file exists") {
  TempDir dir;
  const std::string path = dir.file("x.opus");
  CHECK(invalidArgument(opusSpec(path, 3)) == "channels: 3 is not supported for opus (1 or 2)");
  CHECK(invalidArgument(opusSpec(path, 0)).rfind("channels: 0", 0) == 0);
  CHECK(invalidArgument(opusSpec(path, 2, 48000, 5)) == "bitrateKbps: 5 is not supported for opus (6 to 510 kbit/s)");
  CHECK(invalidArgument(opusSpec(path, 2, 48000, 511)).rfind("bitrateKbps: 511", 0) == 0);
  CHECK(invalidArgument(opusSpec(path, 2, 48000, -1)).rfind("bitrateKbps: -1", 0) == 0);
  CHECK(invalidArgument(opusSpec(path, 2, 7999)).rfind("sampleRate: 7999", 0) == 0);
  auto s = opusSpec(path, 2);
  s.metadata = {{"title", "bad \xff byte"}};
  CHECK(invalidArgument(s) == "metadata.title: not valid UTF-8");
  s.metadata = {{"a=b", "x"}};
  CHECK(invalidArgument(s).rfind("metadata.a=b: not a valid tag name", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(path));
  ringmix::consumers::StreamSpec ss;
  ss.channels = 2;
  CHECK(OpusStreamEncoder::resolveBitrate(ss) == 128);
  ss.channels = 1;
  CHECK(OpusStreamEncoder::resolveBitrate(ss) == 64);
  ss.bitrateKbps = 6;
  CHECK(OpusStreamEncoder::resolveBitrate(ss) == 6);
  ss.bitrateKbps = 510;
  CHECK(OpusStreamEncoder::resolveBitrate(ss) == 510);
}

TEST_CASE("a 1 kHz tone at -6 dBFS: exact length, level, pitch, in place; OpusHead") {
  if (!haveDecoders() || !haveOpusTools()) return;
  TempDir dir;
  struct Case { std::uint32_t rate; unsigned channels; int kbps; };
  for (const Case c : {Case{48000, 2, 0}, Case{48000, 1, 0}, Case{44100, 2, 96}, Case{44100, 1, 48},
                       Case{96000, 2, 256}, Case{16000, 1, 32}, Case{22050, 2, 0}}) {
    CAPTURE(c.rate);
    CAPTURE(c.channels);
    CAPTURE(c.kbps);
    const std::string path = dir.file("tone" + std::to_string(c.rate) + "-" + std::to_string(c.channels) + ".opus");
    const std::size_t frames = 2 * c.rate + 777;  // not a whole number of packets
    const auto input = sine(frames, c.channels, c.rate, kMinus6dB);
    auto w = openWriter(opusSpec(path, c.channels, c.rate, c.kbps));
    writeInBlocks(*w, input, c.channels, 1000);
    w->finish();
    CHECK(w->framesWritten() == frames);
    CHECK(std::filesystem::file_size(path) == w->bytesWritten());

    // Opus decodes at 48 kHz: the mix's frames, scaled to 48 kHz (at 48 kHz: exactly them).
    const std::size_t want = at48k(frames, c.rate);
    const auto decoded = decodeOpus(path, c.channels);
    CHECK(decoded.size() / c.channels == want);
    CHECK(decodeWithOpusdec(path).size() / c.channels == want);
    const double scaledBack = static_cast<double>(decoded.size() / c.channels) * c.rate / 48000.0;
    CHECK(std::abs(scaledBack - static_cast<double>(frames)) < static_cast<double>(c.rate) / 48000.0 + 1e-9);

    const std::size_t len = 24000, from = 24000;  // half a second from 0.5 s on
    double level = 0;
    for (unsigned ch = 0; ch < c.channels; ++ch) {
      CAPTURE(ch);
      level = 20 * std::log10(toneAmplitude(decoded, c.channels, ch, from, len, 1000, 48000));
      CHECK(std::abs(level - 20 * std::log10(kMinus6dB)) < 0.5);
      CHECK(std::abs(peakFrequency(decoded, c.channels, ch, from, len, 48000) - 1000.0) <= 0.5);
    }
    // In place: the decoded samples line up with the tone as it would be at 48 kHz (pre-skip and
    // the resampler's delay right; a one-sample shift at 1 kHz costs ~18 dB).
    const auto reference = sine(want, c.channels, 48000, kMinus6dB);
    const std::size_t upTo = std::min(decoded.size(), reference.size());
    const double snr = snrDb(decoded, reference, 0, upTo);
    MESSAGE("opus " << c.rate << " Hz " << c.channels << " ch " << c.kbps << " kbit/s: " << decoded.size() / c.channels
                    << " of " << want << " samples at 48 kHz, tone " << level << " dBFS, SNR " << snr << " dB, "
                    << std::filesystem::file_size(path) << " bytes");
    CHECK(snr > 25.0);
    CHECK(snr > snrDbLagged(decoded, reference, c.channels, 1, upTo) + 3);
    CHECK(snr > snrDbLagged(decoded, reference, c.channels, -1, upTo) + 3);

    // The layout: OpusHead alone on a BOS page, OpusTags on the next, then audio; EOS last.
    const auto pages = oggPages(readBytes(path));
    REQUIRE(pages.size() >= 3);
    CHECK(pages[0].bos());
    REQUIRE(pages[0].packets.size() == 1);
    const OpusHead head = opusHead(pages[0].packets[0]);
    CHECK(head.version == 1);
    CHECK(head.channels == c.channels);
    CHECK(head.preSkip == kLookahead);
    CHECK(head.inputRate == c.rate);
    CHECK(head.gain == 0);
    CHECK(head.family == 0);
    CHECK(pages[0].granule == 0);
    REQUIRE(pages[1].packets.size() == 1);
    CHECK(std::string(pages[1].packets[0].begin(), pages[1].packets[0].begin() + 8) == "OpusTags");
    CHECK(pages[1].granule == 0);
    CHECK(pages.back().eos());
    CHECK(pages.back().granule == static_cast<std::int64_t>(want + kLookahead));
    for (const auto& p : pages) CHECK(p.serial == pages[0].serial);
    for (std::size_t i = 0; i < pages.size(); ++i) CHECK(pages[i].sequence == i);
    CHECK(trim(run("opusinfo '" + path + "' 2>&1")).find("Original sample rate: " + std::to_string(c.rate) + " Hz") !=
          std::string::npos);
    const int kbps = c.kbps != 0 ? c.kbps : (c.channels == 2 ? 128 : 64);
    const double actual = 8.0 * static_cast<double>(std::filesystem::file_size(path)) / (static_cast<double>(frames) / c.rate) / 1000;
    CHECK(actual > 0.8 * kbps);  // constrained VBR: near the target (headers and pages included)
    CHECK(actual < 1.2 * kbps);
  }
}

TEST_CASE("stereo: a tone left and silence right stay apart") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("left.opus");
  const std::size_t frames = 2 * 48000;
  auto input = sine(frames, 2, 48000, kMinus6dB);
  for (std::size_t i = 0; i < frames; ++i) input[i * 2 + 1] = 0.0f;
  auto w = openWriter(opusSpec(path, 2));
  writeInBlocks(*w, input, 2, 480);
  w->finish();
  const auto decoded = decodeOpus(path, 2);
  REQUIRE(decoded.size() == input.size());
  const double left = 20 * std::log10(toneAmplitude(decoded, 2, 0, 24000, 48000, 1000, 48000));
  float rightPeak = 0;
  for (std::size_t i = 0; i < frames; ++i) rightPeak = std::max(rightPeak, std::abs(decoded[i * 2 + 1]));
  MESSAGE("opus stereo: left " << left << " dBFS, right peak " << 20 * std::log10(std::max(rightPeak, 1e-12f)) << " dBFS");
  CHECK(std::abs(left - 20 * std::log10(kMinus6dB)) < 0.5);
  CHECK(rightPeak < 0.001f);  // -60 dBFS
}

TEST_CASE("tags as Vorbis comments, read back by ffprobe and opusinfo") {
  if (!haveDecoders() || !haveOpusTools()) return;
  TempDir dir;
  const std::string path = dir.file("tagged.opus");
  auto s = opusSpec(path, 2);
  s.metadata = {{"title", "Take 1"},  {"artist", "The Mixers"}, {"comment", "ringmix test"},
                {"date", "2026-11-26"}, {"genre", "Jazz"},      {"album", "Caf\xc3\xa9 sessions"},
                {"software", "ringmix"}, {"empty", ""}};
  auto w = openWriter(s);
  const auto input = sine(48000, 2, 48000, kMinus6dB);
  writeInBlocks(*w, input, 2);
  w->finish();
  CHECK(ffprobeStreamTag(path, "title") == "Take 1");
  CHECK(ffprobeStreamTag(path, "artist") == "The Mixers");
  CHECK(ffprobeStreamTag(path, "comment") == "ringmix test");
  CHECK(ffprobeStreamTag(path, "date") == "2026-11-26");
  CHECK(ffprobeStreamTag(path, "genre") == "Jazz");
  CHECK(ffprobeStreamTag(path, "album") == "Caf\xc3\xa9 sessions");
  CHECK(ffprobeStreamTag(path, "encoder") == "ringmix");
  const std::string info = run("opusinfo '" + path + "' 2>&1");
  CHECK(info.find("Encoded with " + OpusStreamEncoder::vendor()) != std::string::npos);
  CHECK(OpusStreamEncoder::vendor().rfind("ringmix (libopus 1.", 0) == 0);
  CHECK(info.find("TITLE=Take 1") != std::string::npos);
  CHECK(info.find("EMPTY") == std::string::npos);  // empty values are left out
  CHECK(info.find("WARNING") == std::string::npos);
  CHECK(decodeOpus(path, 2).size() == input.size());
}

TEST_CASE("checkpoints put every packet on a page without ending the stream; finish() is idempotent") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("checkpoints.opus");
  const std::size_t frames = 3 * 48000 + 123;
  const auto input = sine(frames, 2, 48000, kMinus6dB);
  auto w = openWriter(opusSpec(path, 2));
  // The header pages are on disk from the start.
  auto pages = oggPages(readBytes(path));
  REQUIRE(pages.size() == 2);
  w->checkpoint();  // before any audio: nothing to flush
  CHECK(oggPages(readBytes(path)).size() == 2);
  for (std::size_t at = 0; at < frames; at += 10007) {
    w->write(input.data() + at * 2, std::min<std::size_t>(10007, frames - at));
    w->checkpoint();
    std::size_t rest = 1;
    pages = oggPages(readBytes(path), &rest);
    CHECK(rest == 0);  // whole pages only
    CHECK(std::filesystem::file_size(path) == w->bytesWritten());
    // On disk: every whole packet given, less the encoder's look-ahead.
    const std::int64_t decodable = pages.back().granule - kLookahead;
    const auto given = static_cast<std::int64_t>(w->framesWritten());
    CHECK(decodable <= given);
    CHECK(decodable + static_cast<std::int64_t>(kPacket + kLookahead) > given);
    CHECK_FALSE(pages.back().eos());
  }
  w->finish();
  CHECK_NOTHROW(w->finish());
  CHECK_THROWS_AS(w->write(input.data(), 1), std::logic_error);
  const auto decoded = decodeOpus(path, 2);
  CHECK(decoded.size() / 2 == frames);
  const double snr = snrDb(decoded, input, 0, input.size());
  CAPTURE(snr);
  CHECK(snr > 25.0);  // no gap or padding where a checkpoint was
}

TEST_CASE("NaN and infinities become silence; no audio at all makes an empty stream") {
  if (!haveDecoders() || !haveOpusTools()) return;
  TempDir dir;
  const std::string path = dir.file("nan.opus");
  auto input = sine(3 * 48000, 2, 48000, kMinus6dB);
  for (std::size_t i = 48000 * 2; i < 96000 * 2; ++i)
    input[i] = (i % 3 == 0) ? std::numeric_limits<float>::quiet_NaN()
                            : (i % 3 == 1 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity());
  {
    auto w = openWriter(opusSpec(path, 2));
    writeInBlocks(*w, input, 2);
  }  // no finish(): the destructor completes the file
  const auto decoded = decodeOpus(path, 2);
  REQUIRE(decoded.size() == input.size());
  float loudest = 0;
  for (std::size_t i = 52000 * 2; i < 92000 * 2; ++i) loudest = std::max(loudest, std::abs(decoded[i]));
  CHECK(loudest < 0.001f);
  const double level = 20 * std::log10(toneAmplitude(decoded, 2, 1, 120000, 24000, 1000, 48000));
  CHECK(std::abs(level - 20 * std::log10(kMinus6dB)) < 0.5);  // the tone comes back after

  const std::string empty = dir.file("empty.opus");
  openWriter(opusSpec(empty, 1))->finish();
  CHECK(decodeOpus(empty, 1).empty());
  CHECK(decodeWithOpusdec(empty).empty());
  const auto pages = oggPages(readBytes(empty));
  REQUIRE(pages.size() == 3);  // OpusHead, OpusTags, one packet whose granule trims all of it
  CHECK(pages[2].eos());
  CHECK(pages[2].granule == kLookahead);
  CHECK(trim(run("ffmpeg -nostdin -v error -i '" + empty + "' -f null - 2>&1")).empty());
}

TEST_CASE("encode speed, 20 s at 48 kHz stereo and 44.1 kHz stereo (resampled)") {
  TempDir dir;
  for (const std::uint32_t rate : {48000u, 44100u}) {
    const std::size_t frames = 20 * rate;
    const auto input = sine(frames, 2, rate, kMinus6dB);
    auto w = openWriter(opusSpec(dir.file("speed" + std::to_string(rate) + ".opus"), 2, rate));
    const auto t0 = std::chrono::steady_clock::now();
    writeInBlocks(*w, input, 2, rate / 100);
    w->finish();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    MESSAGE("opus encode: " << 20.0 / seconds << "x real time (" << rate << " Hz stereo, 128 kbit/s)");
    CHECK(20.0 / seconds > 2.0);
  }
}

}  // TEST_SUITE
