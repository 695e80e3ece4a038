#include "consumers/posix_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sys/types.h>

static_assert(sizeof(off_t) >= 8, "files past 2 GiB need a 64-bit off_t");

namespace ringmix::consumers {

std::string errnoName(int errnum) {
  switch (errnum) {
    case ENOSPC: return "ENOSPC";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EROFS: return "EROFS";
    case EIO: return "EIO";
    case EDQUOT: return "EDQUOT";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EFBIG: return "EFBIG";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EINVAL: return "EINVAL";
    default: break;
  }
  std::string name = "E";
  name += std::to_string(errnum);
  return name;
}

void throwWriteError(const std::string& verb, const std::string& path, int errnum) {
  throw WriteError("cannot " + verb + " " + path + ": " + std::strerror(errnum), errnum,
                   errnoName(errnum));
}

PosixFile::PosixFile(std::string path) : path_(std::move(path)) {
  // 0666: the umask decides, as for any file a program creates.
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) throwWriteError("create", path_, errno);
}

PosixFile::~PosixFile() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// Both loops retry EINTR and continue after a partial transfer; a call that moves nothing
// without an errno means the device is full (what a short write at the end of space looks like).
int failure(ssize_t n) { return n == 0 || errno == 0 ? ENOSPC : errno; }

}  // namespace

void PosixFile::append(const void* data, std::size_t bytes) {
  if (fd_ < 0) throwWriteError("write", path_, EBADF);
  auto p = static_cast<const char*>(data);
  while (bytes > 0) {
    errno = 0;
    ssize_t n = ::write(fd_, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throwWriteError("write", path_, failure(n));
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
}

void PosixFile::writeAt(std::uint64_t offset, const void* data, std::size_t bytes) {
  if (fd_ < 0) throwWriteError("write", path_, EBADF);
  auto p = static_cast<const char*>(data);
  while (bytes > 0) {
    errno = 0;
    ssize_t n = ::pwrite(fd_, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throwWriteError("write", path_, failure(n));
    p += n;
    offset += static_cast<std::uint64_t>(n);
    bytes -= static_cast<std::size_t>(n);
  }
}

void PosixFile::truncate(std::uint64_t size) {
  if (fd_ < 0) throwWriteError("truncate", path_, EBADF);
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) throwWriteError("truncate", path_, errno);
  if (::lseek(fd_, static_cast<off_t>(size), SEEK_SET) < 0) throwWriteError("seek in", path_, errno);
}

void PosixFile::close() {
  if (fd_ < 0) return;
  int fd = fd_;
  fd_ = -1;  // closed whatever close() says: retrying a failed close may close another file
  if (::close(fd) != 0 && errno != EINTR) throwWriteError("close", path_, errno);
}

}  // namespace ringmix::consumers
