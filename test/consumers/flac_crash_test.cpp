// Crash safety and failing writes. A recorder killed with SIGKILL (no finish(), no destructor)
// leaves a FLAC file whose STREAMINFO says "length unknown": ffmpeg must decode it, without an
// error, up to its last whole frame, which is every frame the encoder completed before the kill
// (at least all the checkpointed audio but the block the encoder was still filling). A disk that
// fills up mid-recording gives WriteError(ENOSPC), and what fitted still plays.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "consumers/file_writer.hpp"
#include "consumers/flac_writer.hpp"
#include "flac_test_util.hpp"

using namespace flactest;
using ringmix::consumers::FlacWriter;
using ringmix::consumers::openWriter;
using ringmix::consumers::WriteError;

namespace {

struct Killed {
  bool bySigkill = false;
  std::uint64_t onDiskAtCheckpoint = 0;  // FlacWriter::framesOnDisk() at the last checkpoint
  std::uint64_t onDiskAtKill = 0;
};

// Forks a child that writes `input` in blocks of 512 frames, checkpointing at each of
// `checkpoints` (cumulative frame counts), then writes `tail` more frames and dies by SIGKILL,
// after telling the parent through a pipe how many frames were on disk at the last checkpoint
// and at the kill.
Killed writeAndKill(const WriterSpec& s, const std::vector<float>& input,
                    const std::vector<std::size_t>& checkpoints, std::size_t tail) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    try {
      auto w = openWriter(s);
      auto& flac = dynamic_cast<FlacWriter&>(*w);
      std::size_t at = 0;
      std::uint64_t report[2] = {0, 0};
      for (std::size_t upTo : checkpoints) {
        for (; at < upTo; at += std::min<std::size_t>(512, upTo - at))
          w->write(input.data() + at * s.channels, std::min<std::size_t>(512, upTo - at));
        w->checkpoint();
        report[0] = flac.framesOnDisk();
      }
      w->write(input.data() + at * s.channels, tail);
      report[1] = flac.framesOnDisk();
      if (::write(fds[1], report, sizeof report) != static_cast<ssize_t>(sizeof report)) ::_exit(5);
      // Inside the scope of `w`: leaving it would run the destructor, which finishes the file.
      ::kill(::getpid(), SIGKILL);
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(4);
  }
  ::close(fds[1]);
  Killed k;
  std::uint64_t report[2] = {0, 0};
  const bool got = ::read(fds[0], report, sizeof report) == static_cast<ssize_t>(sizeof report);
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  k.bySigkill = got && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  k.onDiskAtCheckpoint = report[0];
  k.onDiskAtKill = report[1];
  return k;
}

// A tmpfs of its own, unmounted at scope exit; `mounted` false when this process may not mount.
struct Tmpfs {
  std::string path;
  bool mounted = false;
  std::string why;
  Tmpfs(const std::string& at, const char* options) : path(at) {
    ::mkdir(path.c_str(), 0755);
    mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, options) == 0;
    if (!mounted) why = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
  }
};

}  // namespace

TEST_SUITE("flac-crash") {

TEST_CASE("killed after checkpoints: ffmpeg decodes every whole frame that reached the kernel") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::size_t saved = 96000 + 7;  // two checkpoints, the second inside a block
  const std::size_t tail = 12345;       // written after the last checkpoint, then the kill
  for (int bits : {16, 24}) {
    for (unsigned channels : {1u, 2u}) {
      CAPTURE(bits);
      CAPTURE(channels);
      const std::string path =
          dir.file("crash" + std::to_string(bits) + "-" + std::to_string(channels) + ".flac");
      const auto input = ramp(saved + tail, channels);
      const Killed k = writeAndKill(flacSpec(path, bits, channels), input, {48000, saved}, tail);
      REQUIRE(k.bySigkill);
      // The checkpoint has all but the block the encoder was filling (4096 frames at level 5).
      CHECK(k.onDiskAtCheckpoint <= saved);
      CHECK(k.onDiskAtCheckpoint + 4096 >= saved);
      CHECK(k.onDiskAtKill % 4096 == 0);
      CHECK(k.onDiskAtKill + 4096 >= saved + tail);

      // The kill left STREAMINFO as it was written first: length and MD5 unknown.
      const auto info = streamInfo(readBytes(path));
      CHECK(info.totalSamples == 0);
      CHECK(info.md5 == std::string(32, '0'));
      CHECK(info.rate == 48000);
      CHECK(info.channels == channels);

      // ffmpeg reads every frame that was on disk, exactly, and complains of nothing.
      CHECK(ffmpegErrors(path) == "");
      const auto decoded = decodeWithFfmpeg(path, channels);
      REQUIRE(decoded.size() == k.onDiskAtKill * channels);
      const std::vector<float> expected(input.begin(), input.begin() + static_cast<long>(decoded.size()));
      CHECK(maxErrorLsb(decoded, expected, bits) <= (bits == 16 ? 1.0 : 0.0));
    }
  }
}

TEST_CASE("killed mid-block right after a checkpoint: the file is cut on a frame boundary") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("early.flac");
  const auto input = noise(20000, 2);
  // 10000 frames: two whole blocks reach the disk, 1808 frames wait in the encoder.
  const Killed k = writeAndKill(flacSpec(path, 24, 2), input, {10000}, 0);
  REQUIRE(k.bySigkill);
  CHECK(k.onDiskAtCheckpoint == 8192);
  const auto decoded = decodeWithFfmpeg(path, 2);
  REQUIRE(decoded.size() == 8192u * 2);
  const std::vector<float> expected(input.begin(), input.begin() + 8192 * 2);
  CHECK(maxErrorLsb(decoded, expected, 24) == 0.0);
  CHECK(ffmpegErrors(path) == "");
}

}  // TEST_SUITE

TEST_SUITE("flac-errors") {

TEST_CASE("files that cannot be created or written at all") {
  TempDir dir;
  const std::string missing = dir.file("no-such-folder/take1.flac");
  try {
    openWriter(flacSpec(missing, 16, 2));
    FAIL("no exception");
  } catch (const WriteError& e) {
    CHECK(e.code == "ENOENT");
    CHECK(std::string(e.what()) == "cannot create " + missing + ": No such file or directory");
  }
  // "fLaC" and the metadata blocks go out at open: a device that refuses every byte fails it.
  try {
    openWriter(flacSpec("/dev/full", 16, 2));
    FAIL("no exception");
  } catch (const WriteError& e) {
    CHECK(e.code == "ENOSPC");
    CHECK(std::string(e.what()) == "cannot write /dev/full: No space left on device");
  }
}

TEST_CASE("disk full mid-recording: ENOSPC, the file ends on a whole frame, finish() makes it play") {
  TempDir dir;
  Tmpfs small(dir.file("small"), "size=64k");
  if (!small.mounted) {
    MESSAGE("SKIPPED ENOSPC check: cannot mount a 64 KiB tmpfs (" << small.why << ")");
    return;
  }
  const std::string path = small.path + "/take1.flac";
  const auto input = noise(48000, 2);  // ~280 kB as 24-bit FLAC: noise does not compress
  auto w = openWriter(flacSpec(path, 24, 2));
  w->checkpoint();
  std::string code;
  try {
    writeInBlocks(*w, input, 2, 1024);
  } catch (const WriteError& e) {
    code = e.code;
    CHECK(std::string(e.what()) == "cannot write " + path + ": No space left on device");
  }
  CHECK(code == "ENOSPC");
  const std::uint64_t frames = w->framesWritten();
  CHECK(frames > 0);
  CHECK(frames < 48000);
  CHECK(frames % 4096 == 0);  // whole frames only
  CHECK(std::filesystem::file_size(path) == w->bytesWritten());
  // The encoder is done for: the next write reports the same error.
  try {
    w->write(input.data(), 1);
    FAIL("no exception");
  } catch (const WriteError& e) {
    CHECK(e.code == "ENOSPC");
  }
  CHECK_NOTHROW(w->finish());
  CHECK(std::filesystem::file_size(path) == w->bytesWritten());
  if (!haveDecoders()) return;
  CHECK(streamInfo(readBytes(path)).totalSamples == frames);  // finish() counted what is there
  CHECK(ffmpegErrors(path) == "");
  const auto decoded = decodeWithFfmpeg(path, 2);
  REQUIRE(decoded.size() == frames * 2);
  const std::vector<float> expected(input.begin(), input.begin() + static_cast<long>(frames * 2));
  CHECK(maxErrorLsb(decoded, expected, 24) == 0.0);
  CHECK(soxInfo(path, "-s") == std::to_string(frames));
}

}  // TEST_SUITE
