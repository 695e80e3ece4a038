// Crash safety: a recorder killed with SIGKILL (no finish(), no destructor) leaves a file that
// the decoders read up to its last checkpoint, exactly. The writing happens in a forked child
// that kills itself; the parent decodes what is on disk.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "consumers/file_writer.hpp"
#include "wav_test_util.hpp"

using namespace wavtest;
using ringmix::consumers::openWriter;

namespace {

// Forks a child that writes `input` as told, checkpointing after each of `checkpoints` (frame
// counts, cumulative), then writes `tail` more frames and dies by SIGKILL. Returns whether the
// child did die that way (a failed write exits with status 3 instead).
bool writeAndKill(const WriterSpec& s, const std::vector<float>& input,
                  const std::vector<std::size_t>& checkpoints, std::size_t tail) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    try {
      auto w = openWriter(s);
      std::size_t at = 0;
      for (std::size_t upTo : checkpoints) {
        for (; at < upTo; at += std::min<std::size_t>(512, upTo - at))
          w->write(input.data() + at * s.channels, std::min<std::size_t>(512, upTo - at));
        w->checkpoint();
      }
      w->write(input.data() + at * s.channels, tail);
      // Inside the scope of `w`: leaving it would run the destructor, which finishes the file.
      ::kill(::getpid(), SIGKILL);
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(4);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

}  // namespace

TEST_SUITE("wav-crash") {

TEST_CASE("killed after checkpoints: the file plays exactly the checkpointed frames") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::size_t saved = 96000 + 7;  // two checkpoints; odd, so the pad byte is crossed
  const std::size_t tail = 12345;       // written after the last checkpoint, then the kill
  for (int bits : {16, 24, 32}) {
    for (unsigned channels : {1u, 2u}) {
      CAPTURE(bits);
      CAPTURE(channels);
      const std::string path = dir.file("crash" + std::to_string(bits) + "-" + std::to_string(channels) + ".wav");
      const auto input = ramp(saved + tail, channels);
      REQUIRE(writeAndKill(spec(path, bits, channels), input, {48000, saved}, tail));

      // The audio after the checkpoint is in the file (the kill came after it), but the header
      // does not count it.
      const std::size_t frameBytes = channels * static_cast<std::size_t>(bits / 8);
      CHECK(std::filesystem::file_size(path) >= saved * frameBytes + tail * frameBytes);
      auto decoded = decodeWithFfmpeg(path, channels);
      REQUIRE(decoded.size() == saved * channels);
      const std::vector<float> expected(input.begin(), input.begin() + static_cast<long>(saved * channels));
      CHECK(maxErrorLsb(decoded, expected, bits) <= (bits == 16 ? 1.0 : 0.0));
      CHECK(soxInfo(path, "-s") == std::to_string(saved));
    }
  }
}

TEST_CASE("killed after an RF64 checkpoint: ds64 holds the checkpointed sizes") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("crash-rf64.wav");
  auto s = spec(path, 24, 2);
  s.rf64AfterBytes = 10000;
  const auto input = ramp(30000, 2);
  REQUIRE(writeAndKill(s, input, {1000, 20000}, 5000));
  const auto b = readBytes(path);
  REQUIRE(b.size() > 48);
  CHECK(id(b, 0) == "RF64");
  CHECK(id(b, 12) == "ds64");
  CHECK(le64(b, 28) == 20000u * 6);  // data size as of the last checkpoint
  CHECK(le64(b, 36) == 20000u);
  const auto decoded = decodeWithFfmpeg(path, 2);
  REQUIRE(decoded.size() == 20000u * 2);
  const std::vector<float> expected(input.begin(), input.begin() + 40000);
  CHECK(maxErrorLsb(decoded, expected, 24) == 0.0);
}

}  // TEST_SUITE
