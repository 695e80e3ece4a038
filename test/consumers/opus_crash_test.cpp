// Ogg/Opus crash safety and file errors: a writer killed by SIGKILL after a checkpoint (no finish(),
// no destructor) leaves whole pages that ffmpeg and opusdec decode up to the checkpoint, less
// under one packet; a 64 KiB tmpfs gives WriteError ENOSPC mid-recording and the file still ends
// on a whole page that decodes; files that cannot be created are WriteErrors named by errno.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "consumers/file_writer.hpp"
#include "opus_test_util.hpp"

using namespace opustest;
using ringmix::consumers::openWriter;
using ringmix::consumers::WriteError;

namespace {

struct SmallTmpfs {
  std::string path;
  bool mounted = false;
  std::string why;
  SmallTmpfs(const std::string& at, const char* options) : path(at) {
    ::mkdir(path.c_str(), 0755);
    mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, options) == 0;
    if (!mounted) why = std::strerror(errno);
  }
  ~SmallTmpfs() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
  }
};

WriteError openError(const std::string& path) {
  try {
    openWriter(opusSpec(path, 2));
  } catch (const WriteError& e) {
    return e;
  }
  FAIL("opening " << path << " did not throw WriteError");
  return WriteError("", 0, "");
}

}  // namespace

TEST_SUITE("opus-crash") {

TEST_CASE("killed after a checkpoint: the file decodes up to it, less under one packet") {
  if (!haveDecoders() || !haveOpusTools()) return;
  TempDir dir;
  for (const std::size_t tail : {std::size_t{0}, std::size_t{3000}})
  for (const std::uint32_t rate : {48000u, 44100u})
  for (unsigned channels : {1u, 2u}) {
    CAPTURE(channels);
    CAPTURE(rate);
    CAPTURE(tail);
    const std::string path = dir.file("crash" + std::to_string(channels) + "-" + std::to_string(rate) + "-" +
                                      std::to_string(tail) + ".opus");
    const std::size_t saved = 2 * rate + 7;
    const auto input = sine(saved + tail, channels, rate, kMinus6dB);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      try {
        auto w = openWriter(opusSpec(path, channels, rate));
        writeInBlocks(*w, std::vector<float>(input.begin(), input.begin() + rate * channels), channels, 512);
        w->checkpoint();
        writeInBlocks(*w, std::vector<float>(input.begin() + rate * channels, input.begin() + static_cast<long>(saved * channels)), channels, 512);
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
    std::size_t rest = 1;
    const auto pages = oggPages(readBytes(path), &rest);
    CHECK(rest == 0);  // whole pages: a page is appended in one write
    REQUIRE(!pages.empty());
    CHECK_FALSE(pages.back().eos());
    const auto decoded = decodeOpus(path, channels);
    const std::size_t got = decoded.size() / channels;
    const std::size_t want = at48k(saved, rate);
    MESSAGE("opus crash, " << rate << " Hz " << channels << " ch, " << tail << " frames after the checkpoint: " << got
                           << " of " << want << " checkpointed samples (48 kHz) decoded");
    // Held back at the checkpoint: the packet being filled (< 960), the look-ahead and the
    // resampler's 32 input frames.
    CHECK(got + kPacket + kLookahead + 40 >= want);
    CHECK(got <= at48k(saved + tail, rate) + kPacket);
    CHECK(decodeWithOpusdec(path).size() / channels == got);
    REQUIRE(got > kPacket);
    const auto reference = sine(got, channels, 48000, kMinus6dB);
    const double snr = snrDb(decoded, reference, 0, (got - kPacket) * channels);
    CAPTURE(snr);
    CHECK(snr > 25.0);  // in place: pre-skip applied
    CHECK(trim(run("ffmpeg -nostdin -v error -i '" + path + "' -f null - 2>&1")).empty());
  }
}

TEST_CASE("disk full: WriteError ENOSPC, the file ends on a whole page, and what fitted decodes") {
  TempDir dir;
  SmallTmpfs small(dir.file("small"), "size=64k");
  if (!small.mounted) {
    MESSAGE("SKIPPED ENOSPC check: cannot mount a 64 KiB tmpfs (" << small.why << ")");
    return;
  }
  const std::string path = small.path + "/take1.opus";
  const auto input = sine(10 * 48000, 2, 48000, kMinus6dB);  // 160 kB at 128 kbit/s
  auto w = openWriter(opusSpec(path, 2));
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
  CHECK_NOTHROW(w->checkpoint());
  CHECK_NOTHROW(w->finish());
  CHECK(std::filesystem::file_size(path) == w->bytesWritten());
  std::size_t rest = 1;
  oggPages(readBytes(path), &rest);
  CHECK(rest == 0);
  if (!haveDecoders()) return;
  const auto decoded = decodeOpus(path, 2);
  MESSAGE("opus ENOSPC: " << decoded.size() / 2 << " samples decoded of " << w->framesWritten() << " written");
  REQUIRE(decoded.size() / 2 > 48000);
  const double level = 20 * std::log10(toneAmplitude(decoded, 2, 0, 24000, 24000, 1000, 48000));
  CHECK(std::abs(level - 20 * std::log10(kMinus6dB)) < 0.5);
}

TEST_CASE("files that cannot be created: WriteError with the errno's name") {
  TempDir dir;
  const std::string missing = dir.file("no-such-folder/take1.opus");
  auto e = openError(missing);
  CHECK(e.code == "ENOENT");
  CHECK(std::string(e.what()) == "cannot create " + missing + ": No such file or directory");
  CHECK(openError("/sys/ringmix-take1.opus").code == "EACCES");
  e = openError("/dev/full");  // the header pages go out at once
  CHECK(e.code == "ENOSPC");
  CHECK(std::string(e.what()) == "cannot write /dev/full: No space left on device");
}

}  // TEST_SUITE
