// POSIX (Linux, macOS): a descriptor, write() and pwrite().
#include "consumers/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sys/types.h>

static_assert(sizeof(off_t) >= 8, "files past 2 GiB need a 64-bit off_t");

namespace ringmix::consumers {

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  // 0666: the umask decides, as for any file a program creates.
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) throwWriteError("create", path_, errno);
}

namespace {

// The descriptor kept in the header's portable slot.
int descriptor(std::intptr_t fd) noexcept { return static_cast<int>(fd); }

// Both loops retry EINTR and continue after a partial transfer; a call that moves nothing
// without an errno means the device is full (what a short write at the end of space looks like).
int failure(ssize_t n) { return n == 0 || errno == 0 ? ENOSPC : errno; }

}  // namespace

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(descriptor(fd_));
}

void OutputFile::append(const void* data, std::size_t bytes) {
  if (fd_ < 0) throwWriteError("write", path_, EBADF);
  auto p = static_cast<const char*>(data);
  while (bytes > 0) {
    errno = 0;
    ssize_t n = ::write(descriptor(fd_), p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throwWriteError("write", path_, failure(n));
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
}

void OutputFile::writeAt(std::uint64_t offset, const void* data, std::size_t bytes) {
  if (fd_ < 0) throwWriteError("write", path_, EBADF);
  auto p = static_cast<const char*>(data);
  while (bytes > 0) {
    errno = 0;
    ssize_t n = ::pwrite(descriptor(fd_), p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throwWriteError("write", path_, failure(n));
    p += n;
    offset += static_cast<std::uint64_t>(n);
    bytes -= static_cast<std::size_t>(n);
  }
}

void OutputFile::truncate(std::uint64_t size) {
  if (fd_ < 0) throwWriteError("truncate", path_, EBADF);
  if (::ftruncate(descriptor(fd_), static_cast<off_t>(size)) != 0) throwWriteError("truncate", path_, errno);
  if (::lseek(descriptor(fd_), static_cast<off_t>(size), SEEK_SET) < 0) throwWriteError("seek in", path_, errno);
}

void OutputFile::close() {
  if (fd_ < 0) return;
  const int fd = descriptor(fd_);
  fd_ = -1;  // closed whatever close() says: retrying a failed close may close another file
  if (::close(fd) != 0 && errno != EINTR) throwWriteError("close", path_, errno);
}

}  // namespace ringmix::consumers
