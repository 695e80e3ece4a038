// MP3 crash safety and a full disk: a writer killed by SIGKILL after a checkpoint (no finish(), no
// destructor) leaves a file ffmpeg decodes, delay trimmed, up to LAME's look-ahead before the
// checkpoint; a 64 KiB tmpfs gives WriteError ENOSPC, and finish() leaves what fitted playable.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "consumers/file_writer.hpp"
#include "mp3_test_util.hpp"

using namespace mp3test;
using ringmix::consumers::openWriter;
using ringmix::consumers::WriteError;

namespace {

struct SmallTmpfs {
  std::string path;
  bool mounted = false;
  SmallTmpfs(const std::string& at, const char* options) : path(at) {
    ::mkdir(path.c_str(), 0755);
    mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, options) == 0;
  }
  ~SmallTmpfs() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
  }
};

}  // namespace

TEST_SUITE("mp3-crash") {

TEST_CASE("killed after a checkpoint: ffmpeg decodes up to it, less LAME's look-ahead") {
  if (!haveDecoders()) return;
  TempDir dir;
  for (const std::size_t tail : {std::size_t{0}, std::size_t{3000}})
  for (unsigned channels : {1u, 2u}) {
    CAPTURE(channels);
    CAPTURE(tail);
    const std::string path = dir.file("crash" + std::to_string(channels) + "-" + std::to_string(tail) + ".mp3");
    const std::size_t saved = 2 * 48000 + 7;
    const auto input = sine(saved + tail, channels, 48000, kMinus6dB);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      try {
        auto w = openWriter(mp3Spec(path, channels));
        writeInBlocks(*w, std::vector<float>(input.begin(), input.begin() + 48000 * channels), channels, 512);
        w->checkpoint();
        writeInBlocks(*w, std::vector<float>(input.begin() + 48000 * channels, input.begin() + static_cast<long>(saved * channels)), channels, 512);
        w->checkpoint();
        if (tail > 0) w->write(input.data() + saved * channels, tail);
        ::kill(::getpid(), SIGKILL);  // inside the scope of w: no destructor, no finish()
      } catch (...) {
        ::_exit(3);
      }
      ::_exit(4);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    const auto decoded = decodeWithFfmpeg(path, channels);
    const std::size_t got = decoded.size() / channels;
    MESSAGE("mp3 crash, " << channels << " ch, " << tail << " frames after the checkpoint: " << got
                          << " of " << saved << " checkpointed frames decoded");
    // LAME holds back ~1.5 frames of look-ahead plus the frame being formatted.
    CHECK(got + 3 * kMp3Frame >= saved);
    CHECK(got <= saved + tail);
    REQUIRE(got > kMp3Frame);
    const double snr = snrDb(decoded, input, 0, (got - kMp3Frame) * channels);
    CAPTURE(snr);
    CHECK(snr > 20.0);  // the encoder delay trimmed (the Info frame of the checkpoint)
  }
}

TEST_CASE("disk full: WriteError ENOSPC, then finish() leaves what fitted playable") {
  TempDir dir;
  SmallTmpfs small(dir.file("small"), "size=64k");
  if (!small.mounted) {
    MESSAGE("SKIPPED ENOSPC check: cannot mount a 64 KiB tmpfs");
    return;
  }
  const std::string path = small.path + "/take1.mp3";
  const auto input = sine(10 * 48000, 2, 48000, kMinus6dB);  // 240 kB at 192 kbit/s
  auto w = openWriter(mp3Spec(path, 2));
  std::string code;
  try {
    writeInBlocks(*w, input, 2, 1024);
  } catch (const WriteError& e) {
    code = e.code;
    CHECK(std::string(e.what()) == "cannot write " + path + ": No space left on device");
  }
  CHECK(code == "ENOSPC");
  CHECK(w->framesWritten() > 0);
  CHECK(w->framesWritten() < 10 * 48000);
  CHECK(std::filesystem::file_size(path) == w->bytesWritten());
  CHECK_THROWS_AS(w->write(input.data(), 1024), WriteError);  // the stream has a hole: no more
  CHECK_NOTHROW(w->finish());
  if (!haveDecoders()) return;
  const auto decoded = decodeWithFfmpeg(path, 2);
  MESSAGE("mp3 ENOSPC: " << decoded.size() / 2 << " frames decoded of " << w->framesWritten() << " written");
  REQUIRE(decoded.size() / 2 > 48000);
  const double level = 20 * std::log10(toneAmplitude(decoded, 2, 0, 24000, 24000, 1000, 48000));
  CHECK(std::abs(level - 20 * std::log10(kMinus6dB)) < 0.5);
}

}  // TEST_SUITE
