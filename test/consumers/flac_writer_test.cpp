// What the FLAC writer produces, as the real decoders read it: sample counts, sample values
// against the input (24-bit exact on the ramp, the same samples as the WAV writer's at 16 bits,
// dither included), STREAMINFO (total samples, block sizes, and an MD5 equal to that of what
// ffmpeg decodes), what sox reports, the Vorbis comments ffprobe reads, and the argument checks.
#include <doctest/doctest.h>

#include <chrono>
#include <cstring>

#include "consumers/file_writer.hpp"
#include "consumers/recorder.hpp"
#include "flac_test_util.hpp"

using namespace flactest;
using ringmix::consumers::openWriter;
using ringmix::consumers::Recorder;
using ringmix::consumers::RecorderOptions;

TEST_SUITE("flac-format") {

TEST_CASE("sine and ramp at 16/24 bits, mono and stereo, decode as written; STREAMINFO complete") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::size_t frames = 48000 + 17;  // not a whole number of blocks: a short last frame
  for (int bits : {16, 24}) {
    for (unsigned channels : {1u, 2u}) {
      for (const char* signal : {"sine", "ramp"}) {
        CAPTURE(bits);
        CAPTURE(channels);
        CAPTURE(signal);
        const std::string path = dir.file(std::string(signal) + std::to_string(bits) + "-" +
                                          std::to_string(channels) + ".flac");
        const bool isSine = std::string(signal) == "sine";
        const auto input = isSine ? sine(frames, channels, 48000) : ramp(frames, channels);
        auto w = openWriter(flacSpec(path, bits, channels));
        writeInBlocks(*w, input, channels, 1000);
        w->finish();
        CHECK(w->framesWritten() == frames);
        CHECK(w->bytesWritten() == std::filesystem::file_size(path));
        // Lossless compression of a pure tone or a ramp: well under the PCM size.
        CHECK(w->bytesWritten() < frames * channels * static_cast<unsigned>(bits / 8) / 2);

        const auto decoded = decodeWithFfmpeg(path, channels);
        REQUIRE(decoded.size() == input.size());
        if (!isSine) {
          // On the 12-bit grid: 24-bit is exact, 16-bit off by the dither's single LSB at most.
          CHECK(maxErrorLsb(decoded, input, bits) <= (bits == 16 ? 1.0 : 0.0));
        } else {
          CHECK(maxErrorLsb(decoded, input, bits) <= (bits == 16 ? 1.5 : 0.5 + 1e-6));
        }

        const auto info = streamInfo(readBytes(path));
        CHECK(info.totalSamples == frames);
        CHECK(info.rate == 48000);
        CHECK(info.channels == channels);
        CHECK(info.bits == static_cast<unsigned>(bits));
        CHECK(info.minBlock == 4096);  // compression level 5
        CHECK(info.maxBlock == 4096);
        CHECK(info.minFrame > 0);
        CHECK(info.maxFrame >= info.minFrame);
        CHECK(info.md5 == decodedMd5(path, bits));
        CHECK(info.md5 != std::string(32, '0'));
        CHECK(ffmpegErrors(path) == "");

        CHECK(soxInfo(path, "-r") == "48000");
        CHECK(soxInfo(path, "-c") == std::to_string(channels));
        CHECK(soxInfo(path, "-b") == std::to_string(bits));
        CHECK(soxInfo(path, "-s") == std::to_string(frames));
        CHECK(soxInfo(path, "-e") == "FLAC");
      }
    }
  }
}

TEST_CASE("the same samples as the WAV writer: TPDF dither at 16 bits, rounding at 24, clipping") {
  if (!haveDecoders()) return;
  TempDir dir;
  auto input = sine(96000, 2, 48000, 0.3);
  // Overs, NaN and denormals too: both writers clip to [-1, 1) and make NaN silence.
  const float nan = std::nanf("");
  for (float x : {1.5f, -1.5f, 1.0f, -1.0f, 0.25f, nan, -0.0f, 1e-40f, -3.25f, 8.0f}) {
    input.push_back(x);
    input.push_back(-x);
  }
  for (int bits : {16, 24}) {
    CAPTURE(bits);
    const std::string b = std::to_string(bits);
    for (const char* name : {"a.flac", "b.flac"}) {
      auto w = openWriter(flacSpec(dir.file(b + name), bits, 2));
      writeInBlocks(*w, input, 2, 480);
      w->finish();
    }
    auto wav = openWriter(spec(dir.file(b + ".wav"), bits, 2));
    writeInBlocks(*wav, input, 2, 480);
    wav->finish();
    // The dither's generator has a fixed seed, and the encoder is deterministic.
    CHECK(readBytes(dir.file(b + "a.flac")) == readBytes(dir.file(b + "b.flac")));
    const auto fromFlac = decodeWithFfmpeg(dir.file(b + "a.flac"), 2);
    const auto fromWav = decodeWithFfmpeg(dir.file(b + ".wav"), 2);
    REQUIRE(fromFlac.size() == input.size());
    REQUIRE(fromWav.size() == input.size());
    CHECK(std::memcmp(fromFlac.data(), fromWav.data(), input.size() * sizeof(float)) == 0);
    const float top = 1.0f - std::ldexp(1.0f, -(bits - 1));  // the largest code, 1 - 1 LSB
    const std::size_t at = 96000 * 2;
    CHECK(fromFlac[at] == top);          // 1.5
    CHECK(fromFlac[at + 2] == -1.0f);    // -1.5
    CHECK(fromFlac[at + 10] == 0.0f);    // NaN
    CHECK(fromFlac[at + 16] == -1.0f);   // -3.25
    CHECK(fromFlac[at + 18] == top);     // 8
  }
}

TEST_CASE("3 to 8 channels, 8 kHz to 384 kHz, rates a frame header cannot name") {
  if (!haveDecoders()) return;
  TempDir dir;
  struct Case { int bits; unsigned channels; std::uint32_t rate; };
  // 88201 Hz: above 65535 and not a multiple of 10, outside FLAC's streamable subset.
  for (Case c : {Case{16, 3, 44100}, Case{24, 6, 96000}, Case{16, 8, 8000}, Case{24, 2, 384000},
                 Case{24, 2, 88201}, Case{16, 1, 22050}}) {
    CAPTURE(c.bits);
    CAPTURE(c.channels);
    CAPTURE(c.rate);
    const std::string path =
        dir.file("c" + std::to_string(c.channels) + "-" + std::to_string(c.rate) + ".flac");
    const auto input = ramp(10007, c.channels);
    auto w = openWriter(flacSpec(path, c.bits, c.channels, c.rate));
    writeInBlocks(*w, input, c.channels, 700);
    w->finish();
    const auto info = streamInfo(readBytes(path));
    CHECK(info.rate == c.rate);
    CHECK(info.channels == c.channels);
    CHECK(info.totalSamples == 10007);
    CHECK(info.md5 == decodedMd5(path, c.bits));
    const auto decoded = decodeAsStored(path);
    REQUIRE(decoded.size() == input.size());
    CHECK(maxErrorLsb(decoded, input, c.bits) <= (c.bits == 16 ? 1.0 : 0.0));
    CHECK(trim(run("ffprobe -v error -show_entries stream=sample_rate -of csv=p=0 '" + path + "'")) ==
          std::to_string(c.rate));
    CHECK(ffmpegErrors(path) == "");
  }
}

TEST_CASE("metadata: a Vorbis comment block after STREAMINFO, read back by ffprobe") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("tags.flac");
  auto s = flacSpec(path, 24, 2);
  s.metadata = {{"title", "Sine test é"}, {"artist", "ringmix"}, {"comment", "odd"},
                {"date", "2025-06-01"},    {"genre", "Test tone"}, {"software", "ringmix 0.1"},
                {"album", "not a key the recorder knows"}};
  const auto input = ramp(10000, 2);
  auto w = openWriter(s);
  writeInBlocks(*w, input, 2);
  w->finish();

  const auto b = readBytes(path);
  const auto blocks = metadataBlocks(b);
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0].type == 0);
  CHECK(blocks[1].type == 4);  // VORBIS_COMMENT
  const std::string comments(b.begin() + static_cast<long>(blocks[1].at),
                             b.begin() + static_cast<long>(blocks[1].at + blocks[1].length));
  for (const char* field : {"TITLE=Sine test é", "ARTIST=ringmix", "COMMENT=odd", "DATE=2025-06-01",
                            "GENRE=Test tone", "ENCODER=ringmix 0.1"})
    CHECK(comments.find(field) != std::string::npos);
  CHECK(comments.find("album") == std::string::npos);
  CHECK(comments.find("ALBUM") == std::string::npos);

  CHECK(ffprobeTag(path, "title") == "Sine test é");
  CHECK(ffprobeTag(path, "artist") == "ringmix");
  CHECK(ffprobeTag(path, "comment") == "odd");
  CHECK(ffprobeTag(path, "date") == "2025-06-01");
  CHECK(ffprobeTag(path, "genre") == "Test tone");
  CHECK(ffprobeTag(path, "encoder") == "ringmix 0.1");
  CHECK(ffprobeTag(path, "album") == "");
  const auto decoded = decodeWithFfmpeg(path, 2);
  REQUIRE(decoded.size() == input.size());
  CHECK(maxErrorLsb(decoded, input, 24) == 0.0);

  // Without metadata the block is there all the same (libFLAC's vendor string only).
  auto plain = openWriter(flacSpec(dir.file("plain.flac"), 16, 1));
  plain->finish();
  const auto p = readBytes(dir.file("plain.flac"));
  const auto pb = metadataBlocks(p);
  REQUIRE(pb.size() == 2);
  CHECK(pb[1].type == 4);
  CHECK(streamInfo(p).totalSamples == 0);
  CHECK(decodeAsStored(dir.file("plain.flac")).empty());
}

TEST_CASE("finish is idempotent, write after it throws, the destructor finishes") {
  if (!haveDecoders()) return;
  TempDir dir;
  const auto input = sine(4800, 2, 48000);
  {
    auto w = openWriter(flacSpec(dir.file("a.flac"), 24, 2));
    w->write(input.data(), 4800);
    w->checkpoint();  // does not end the stream: writing goes on
    w->write(input.data(), 4800);
    w->finish();
    const auto once = readBytes(dir.file("a.flac"));
    w->finish();
    CHECK(readBytes(dir.file("a.flac")) == once);
    CHECK_THROWS_AS(w->write(input.data(), 1), std::logic_error);
    w->checkpoint();  // harmless after finish
  }
  {
    auto w = openWriter(flacSpec(dir.file("b.flac"), 24, 2));
    w->write(input.data(), 4800);
    w->write(input.data(), 4800);
  }  // no finish(): the destructor completes the file
  CHECK(decodeWithFfmpeg(dir.file("b.flac"), 2).size() == 2 * input.size());
  CHECK(readBytes(dir.file("a.flac")) == readBytes(dir.file("b.flac")));
  CHECK(streamInfo(readBytes(dir.file("b.flac"))).totalSamples == 9600);
}

TEST_CASE("openWriter: FLAC takes 16 or 24 bits, tags must be UTF-8, checked before a file is created") {
  TempDir dir;
  const std::string path = dir.file("never.flac");
  auto expectInvalid = [&](WriterSpec s, const std::string& words) {
    CAPTURE(words);
    try {
      openWriter(s);
      FAIL("no exception");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find(words) != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(path));
  };
  for (int bits : {32, 0, 8, 20}) expectInvalid(flacSpec(path, bits, 2), "FLAC takes 16 or 24 bits");
  expectInvalid(flacSpec(path, 32, 2), "bitDepth");
  for (unsigned ch : {0u, 9u}) expectInvalid(flacSpec(path, 24, ch), "channels");
  for (std::uint32_t rate : {7999u, 384001u}) expectInvalid(flacSpec(path, 24, 2, rate), "sampleRate");
  auto bad = flacSpec(path, 16, 2);
  bad.metadata["artist"] = "caf\xe9";  // Latin-1, not UTF-8
  expectInvalid(bad, "metadata.artist");
  CHECK_NOTHROW(openWriter(flacSpec(dir.file("edge.flac"), 16, 8, 384000))->finish());
  CHECK_NOTHROW(openWriter(flacSpec(dir.file("edge2.flac"), 24, 1, 8000))->finish());
}

TEST_CASE("a recorder writes FLAC through openWriter, split into consecutive files") {
  if (!haveDecoders()) return;
  TempDir dir;
  const unsigned ch = 2;
  const std::size_t total = 150'000;  // three whole seconds and a bit: four files
  ringmix::rt::SpmcRing<float> ring(total * ch);  // room for all of it: nothing is lapped
  RecorderOptions o;
  o.file = flacSpec(dir.file("show.flac"), 24, ch);
  o.file.metadata = {{"title", "show"}};
  o.splitSeconds = 1.0;
  Recorder rec(ring, ch, o);
  const auto input = ramp(total, ch);
  ring.write(input.data(), input.size());
  const auto result = rec.stop();
  CHECK(rec.state() == Recorder::State::stopped);
  CHECK(result.frames == total);
  REQUIRE(result.files.size() == 4);
  std::vector<float> joined;
  for (std::size_t i = 0; i < result.files.size(); ++i) {
    CAPTURE(i);
    CHECK(result.files[i] == Recorder::splitPath(o.file.path, static_cast<std::uint32_t>(i + 1)));
    const auto info = streamInfo(readBytes(result.files[i]));
    CHECK(info.totalSamples == (i < 3 ? 48000u : total - 3 * 48000u));
    CHECK(info.md5 == decodedMd5(result.files[i], 24));
    CHECK(ffprobeTag(result.files[i], "title") == "show");
    const auto part = decodeWithFfmpeg(result.files[i], ch);
    joined.insert(joined.end(), part.begin(), part.end());
  }
  REQUIRE(joined.size() == input.size());
  CHECK(maxErrorLsb(joined, input, 24) == 0.0);  // no gap, no frame twice
}

TEST_CASE("encode speed, 48 kHz stereo (reported, not asserted)") {
  TempDir dir;
  // A tone with noise under it: closer to a mix than a pure tone (which compresses to nothing).
  auto input = sine(48000, 2, 48000, 0.4);
  const auto hiss = noise(48000, 2);
  for (std::size_t i = 0; i < input.size(); ++i) input[i] += 0.05f * hiss[i];
  const int seconds = 60;
  for (int bits : {16, 24}) {
    const std::string path = dir.file("speed" + std::to_string(bits) + ".flac");
    auto w = openWriter(flacSpec(path, bits, 2));
    const auto t0 = std::chrono::steady_clock::now();
    for (int s = 0; s < seconds; ++s) {
      writeInBlocks(*w, input, 2, 1024);
      w->checkpoint();  // once a second of audio, as the recorder does
    }
    w->finish();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double ratio = static_cast<double>(w->bytesWritten()) / (48000.0 * seconds * 2 * bits / 8);
    // Timing goals are not asserted in tests (ARCHITECTURE.md, "Testing"): the figure is printed.
    MESSAGE(bits << "-bit stereo 48 kHz FLAC: " << seconds << " s in " << elapsed
                 << " s = " << seconds / elapsed << "x real time, " << ratio * 100 << "% of PCM");
    CHECK(w->framesWritten() == 48000u * seconds);
    CHECK(w->bytesWritten() == std::filesystem::file_size(path));
    if (haveDecoders()) CHECK(streamInfo(readBytes(path)).totalSamples == 48000u * seconds);
  }
}

}  // TEST_SUITE
