// Failing system calls come out as WriteError with the errno's name and the path: files that
// cannot be created (missing folder, a folder in the way, a read-only or refusing file system)
// and a disk that fills up mid-recording, on a real 64 KiB tmpfs, after which the file still
// holds a playable recording of what fitted.
#include <doctest/doctest.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "consumers/file_writer.hpp"
#include "consumers/output_file.hpp"
#include "wav_test_util.hpp"

using namespace wavtest;
using ringmix::consumers::errnoName;
using ringmix::consumers::openWriter;
using ringmix::consumers::WriteError;

namespace {

// The WriteError that opening `path` throws (none: a failed check).
WriteError openError(const std::string& path) {
  try {
    openWriter(spec(path, 24, 2));
  } catch (const WriteError& e) {
    return e;
  }
  FAIL("opening " << path << " did not throw WriteError");
  return WriteError("", 0, "");
}

// A tmpfs of its own, unmounted at scope exit; `mounted` false when this process may not mount
// (not root, or a container without CAP_SYS_ADMIN).
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

TEST_SUITE("wav-errors") {

TEST_CASE("errno names") {
  CHECK(errnoName(ENOSPC) == "ENOSPC");
  CHECK(errnoName(EACCES) == "EACCES");
  CHECK(errnoName(ENOENT) == "ENOENT");
  CHECK(errnoName(EROFS) == "EROFS");
  CHECK(errnoName(EIO) == "EIO");
  CHECK(errnoName(EDQUOT) == "EDQUOT");
  CHECK(errnoName(ENOTDIR) == "ENOTDIR");
  CHECK(errnoName(EISDIR) == "EISDIR");
  CHECK(errnoName(EFBIG) == "EFBIG");
  CHECK(errnoName(EBADF) == "EBADF");
  CHECK(errnoName(4242) == "E4242");
}

TEST_CASE("files that cannot be created") {
  TempDir dir;
  const std::string missing = dir.file("no-such-folder/take1.wav");
  auto e = openError(missing);
  CHECK(e.code == "ENOENT");
  CHECK(e.errnum == ENOENT);
  CHECK(std::string(e.what()) == "cannot create " + missing + ": No such file or directory");

  e = openError(dir.path.string());  // a folder where the file should go
  CHECK(e.code == "EISDIR");
  CHECK(std::string(e.what()).find(dir.path.string()) != std::string::npos);

  std::ofstream(dir.file("plain")) << "x";
  CHECK(openError(dir.file("plain/take1.wav")).code == "ENOTDIR");
  // Root ignores permission bits, but not file systems that refuse new files.
  CHECK(openError("/proc/ringmix-take1.wav").code == "ENOENT");
  CHECK(openError("/sys/ringmix-take1.wav").code == "EACCES");

  Tmpfs readOnly(dir.file("ro"), "ro,size=64k");
  if (!readOnly.mounted) {
    MESSAGE("SKIPPED EROFS check: cannot mount a tmpfs (" << readOnly.why << ")");
  } else {
    CHECK(openError(readOnly.path + "/take1.wav").code == "EROFS");
  }
}

TEST_CASE("a device that refuses every byte: ENOSPC at open (the header)") {
  const auto e = openError("/dev/full");
  CHECK(e.code == "ENOSPC");
  CHECK(std::string(e.what()) == "cannot write /dev/full: No space left on device");
}

TEST_CASE("disk full mid-recording: ENOSPC, and finish() leaves what fitted playable") {
  TempDir dir;
  Tmpfs small(dir.file("small"), "size=64k");
  if (!small.mounted) {
    MESSAGE("SKIPPED ENOSPC check: cannot mount a 64 KiB tmpfs (" << small.why << ")");
    return;
  }
  const std::string path = small.path + "/take1.wav";
  const auto input = ramp(48000, 2);  // 288 kB of 24-bit stereo: far more than fits
  auto w = openWriter(spec(path, 24, 2));
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
  // The partial block was cut off: the file ends on the last whole frame counted.
  CHECK(std::filesystem::file_size(path) == w->bytesWritten());
  CHECK_NOTHROW(w->finish());
  if (!haveDecoders()) return;
  const auto decoded = decodeWithFfmpeg(path, 2);
  REQUIRE(decoded.size() == frames * 2);
  const std::vector<float> expected(input.begin(), input.begin() + static_cast<long>(frames * 2));
  CHECK(maxErrorLsb(decoded, expected, 24) == 0.0);
}

}  // TEST_SUITE
