// Without LAME: opening an MP3 writer throws CodecUnavailable naming the package to install, before
// any file exists, and WAV still records in the same process. LAME is loaded once per process, and
// this test binary's other cases load it, so the check runs in a fresh process: a forked child
// sets RINGMIX_LAME_LIBRARY to a path that does not exist and execs this binary again, running only
// this case (its name has no comma: doctest splits filters at commas), which then takes the
// inner branch below.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "consumers/file_writer.hpp"
#include "mp3_test_util.hpp"

using namespace mp3test;
using ringmix::consumers::CodecUnavailable;
using ringmix::consumers::openWriter;

namespace {

constexpr const char* kCaseName = "mp3 without LAME throws CodecUnavailable and WAV still records";
constexpr const char* kMissing = "/nonexistent/libmp3lame.so.0";

// The inner run: this process has RINGMIX_LAME_LIBRARY pointing nowhere since it started.
void checkWithoutLame() {
  TempDir dir;
  const std::string mp3 = dir.file("x.mp3");
  for (int attempt = 0; attempt < 2; ++attempt) {  // the failed load is remembered, not retried
    CAPTURE(attempt);
    bool thrown = false;
    try {
      openWriter(mp3Spec(mp3, 2));
    } catch (const CodecUnavailable& e) {
      thrown = true;
      const std::string message = e.what();
      CAPTURE(message);
      CHECK(e.code == "ERR_CODEC_UNAVAILABLE");
      CHECK(message.find("install libmp3lame0") != std::string::npos);
      CHECK(message.find(kMissing) != std::string::npos);
    }
    CHECK(thrown);
    CHECK_FALSE(std::filesystem::exists(mp3));
  }
  // What MP3 cannot carry is still refused, but the missing codec is said first.
  CHECK_THROWS_AS(openWriter(mp3Spec(mp3, 3)), CodecUnavailable);

  const std::string wav = dir.file("x.wav");
  const auto input = sine(4800, 2, 48000, kMinus6dB);
  auto w = openWriter(spec(wav, 16, 2));
  writeInBlocks(*w, input, 2, 512);
  w->finish();
  CHECK(w->framesWritten() == 4800);
  if (haveDecoders()) CHECK(decodeWithFfmpeg(wav, 2).size() == input.size());
}

}  // namespace

TEST_SUITE("mp3-no-lame") {

TEST_CASE(kCaseName) {
  const char* lib = std::getenv("RINGMIX_LAME_LIBRARY");
  if (lib != nullptr && std::string(lib) == kMissing) {
    checkWithoutLame();
    return;
  }
  TempDir dir;
  const std::string log = dir.file("child.log");
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) ::_exit(125);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::setenv("RINGMIX_LAME_LIBRARY", kMissing, 1);
    const std::string filter = std::string("--test-case=") + kCaseName;
    char* const argv[] = {const_cast<char*>("consumer_tests"), const_cast<char*>(filter.c_str()), nullptr};
    ::execv("/proc/self/exe", argv);
    ::_exit(126);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  std::ifstream in(log);
  std::stringstream output;
  output << in.rdbuf();
  CAPTURE(output.str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // The inner run ran this case (and only it): a filter that matched nothing would also exit 0.
  std::string summary = output.str();  // doctest pads its counts: compared without spaces
  std::erase(summary, ' ');
  CHECK(summary.find("testcases:1|1passed|0failed") != std::string::npos);
}

}  // TEST_SUITE
