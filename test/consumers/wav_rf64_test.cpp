// RF64 (EBU Tech 3306): the JUNK chunk reserved at open becomes ds64 once the audio passes
// spec.rf64AfterBytes (made small here so the test need not write 4 GiB), and stays JUNK below.
#include <doctest/doctest.h>

#include "consumers/file_writer.hpp"
#include "wav_test_util.hpp"

using namespace wavtest;
using ringmix::consumers::openWriter;

TEST_SUITE("wav-rf64") {

TEST_CASE("below the threshold: plain RIFF/WAVE with the JUNK chunk reserved") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("riff.wav");
  auto s = spec(path, 24, 2);
  s.rf64AfterBytes = 10000;
  const auto input = ramp(1666, 2);  // 9996 bytes: under the threshold
  auto w = openWriter(s);
  writeInBlocks(*w, input, 2, 500);
  w->finish();
  const auto b = readBytes(path);
  CHECK(id(b, 0) == "RIFF");
  CHECK(le32(b, 4) == b.size() - 8);
  CHECK(id(b, 8) == "WAVE");
  CHECK(id(b, 12) == "JUNK");
  CHECK(le32(b, 16) == 28);
  const std::size_t data = chunkAt(b, "data");
  REQUIRE(data != std::string::npos);
  CHECK(le32(b, data + 4) == 9996);
  CHECK(data + 8 + 9996 == b.size());
  const auto decoded = decodeWithFfmpeg(path, 2);
  REQUIRE(decoded.size() == input.size());
  CHECK(maxErrorLsb(decoded, input, 24) == 0.0);
}

TEST_CASE("past the threshold: RF64 from the next checkpoint, ds64 with 64-bit sizes") {
  if (!haveDecoders()) return;
  TempDir dir;
  for (int bits : {24, 32}) {
    CAPTURE(bits);
    const std::string path = dir.file("rf64-" + std::to_string(bits) + ".wav");
    auto s = spec(path, bits, 2);
    s.rf64AfterBytes = 10000;
    const std::size_t frameBytes = 2 * static_cast<std::size_t>(bits / 8);
    const auto input = ramp(50001, 2);
    auto w = openWriter(s);

    w->write(input.data(), 1000);  // under the threshold
    w->checkpoint();
    CHECK(id(readBytes(path), 0) == "RIFF");
    w->write(input.data() + 2000, 2000);  // now past it: RF64 only once the header is rewritten
    CHECK(id(readBytes(path), 0) == "RIFF");
    w->checkpoint();
    auto b = readBytes(path);
    CHECK(id(b, 0) == "RF64");
    CHECK(le64(b, 28) == 3000 * frameBytes);

    writeInBlocks(*w, std::vector<float>(input.begin() + 6000, input.end()), 2, 4096);
    w->finish();
    b = readBytes(path);
    CHECK(id(b, 0) == "RF64");
    CHECK(le32(b, 4) == 0xFFFFFFFFu);
    CHECK(id(b, 8) == "WAVE");
    CHECK(id(b, 12) == "ds64");
    CHECK(le32(b, 16) == 28);
    CHECK(le64(b, 20) == b.size() - 8);  // RIFF size
    CHECK(le64(b, 28) == 50001 * frameBytes);  // data size
    CHECK(le64(b, 36) == 50001);  // sample count (frames)
    CHECK(le32(b, 44) == 0);  // table length
    const std::size_t data = chunkAt(b, "data");
    REQUIRE(data != std::string::npos);
    CHECK(le32(b, data + 4) == 0xFFFFFFFFu);
    CHECK(data + 8 + 50001 * frameBytes == b.size());
    if (bits == 32) {
      const std::size_t fact = chunkAt(b, "fact");
      REQUIRE(fact != std::string::npos);
      CHECK(le32(b, fact + 8) == 0xFFFFFFFFu);  // the count is in ds64
    }
    const auto decoded = decodeWithFfmpeg(path, 2);
    REQUIRE(decoded.size() == input.size());
    CHECK(maxErrorLsb(decoded, input, bits) == 0.0);
    CHECK(soxInfo(path, "-s") == "50001");
  }
}

}  // TEST_SUITE
