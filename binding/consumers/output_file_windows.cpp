// Windows: a file HANDLE and WriteFile. Paths arrive as UTF-8 (from JavaScript) and are opened
// with the wide API, so any name works. Failures are reported as the errno values that mean the
// same, so that a recording's error codes are the same strings on every system.
#include "platform/windows.hpp"

#include <algorithm>
#include <cerrno>
#include <limits>

#include "consumers/output_file.hpp"

namespace ringmix::consumers {

namespace {

HANDLE handleOf(std::intptr_t fd) noexcept { return reinterpret_cast<HANDLE>(fd); }

int errnoOf(DWORD error) noexcept {
  switch (error) {
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL: return ENOSPC;
    case ERROR_ACCESS_DENIED:  // also what creating a file over a folder gives
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION: return EACCES;
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE: return ENOENT;
    case ERROR_WRITE_PROTECT: return EROFS;
    case ERROR_DIRECTORY: return ENOTDIR;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS: return EEXIST;
    case ERROR_FILENAME_EXCED_RANGE: return ENAMETOOLONG;
    case ERROR_TOO_MANY_OPEN_FILES: return EMFILE;
    case ERROR_INVALID_HANDLE: return EBADF;
    case ERROR_INVALID_NAME:
    case ERROR_INVALID_PARAMETER: return EINVAL;
    case ERROR_FILE_TOO_LARGE: return EFBIG;
    default: return EIO;
  }
}

[[noreturn]] void fail(const char* verb, const std::string& path) { throwWriteError(verb, path, errnoOf(GetLastError())); }

std::wstring widen(const std::string& utf8) {
  if (utf8.empty()) return {};
  const int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  if (n <= 0) throwWriteError("create", utf8, EINVAL);  // not UTF-8: no file has that name
  std::wstring wide(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), static_cast<int>(utf8.size()), wide.data(), n);
  return wide;
}

// WriteFile takes a 32-bit count: larger writes go in pieces. `at` (when given) is where to write;
// a synchronous handle's file pointer then ends up after the data, as after an append.
void writeAll(HANDLE h, const std::string& path, const void* data, std::size_t bytes, const std::uint64_t* at) {
  auto p = static_cast<const char*>(data);
  std::uint64_t offset = at ? *at : 0;
  while (bytes > 0) {
    const DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(bytes, std::numeric_limits<DWORD>::max() / 2));
    OVERLAPPED where{};
    where.Offset = static_cast<DWORD>(offset);
    where.OffsetHigh = static_cast<DWORD>(offset >> 32);
    DWORD written = 0;
    if (!WriteFile(h, p, chunk, &written, at ? &where : nullptr)) fail("write", path);
    if (written == 0) throwWriteError("write", path, ENOSPC);  // nothing moved: the device is full
    p += written;
    offset += written;
    bytes -= written;
  }
}

bool seekTo(HANDLE h, std::uint64_t offset) noexcept {
  LARGE_INTEGER to;
  to.QuadPart = static_cast<LONGLONG>(offset);
  return SetFilePointerEx(h, to, nullptr, FILE_BEGIN) != 0;
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  // FILE_SHARE_READ: a player may open the recording while it grows (as on POSIX).
  const HANDLE h = CreateFileW(widen(path_).c_str(), GENERIC_WRITE, FILE_SHARE_READ, nullptr, CREATE_ALWAYS,
                               FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) fail("create", path_);
  fd_ = reinterpret_cast<std::intptr_t>(h);
}

OutputFile::~OutputFile() {
  if (fd_ != -1) CloseHandle(handleOf(fd_));
}

void OutputFile::append(const void* data, std::size_t bytes) {
  if (fd_ == -1) throwWriteError("write", path_, EBADF);
  writeAll(handleOf(fd_), path_, data, bytes, nullptr);
}

void OutputFile::writeAt(std::uint64_t offset, const void* data, std::size_t bytes) {
  if (fd_ == -1) throwWriteError("write", path_, EBADF);
  // A positioned WriteFile moves the file pointer (unlike pwrite): put it back where it was.
  LARGE_INTEGER zero{}, here{};
  if (!SetFilePointerEx(handleOf(fd_), zero, &here, FILE_CURRENT)) fail("seek in", path_);
  writeAll(handleOf(fd_), path_, data, bytes, &offset);
  if (!seekTo(handleOf(fd_), static_cast<std::uint64_t>(here.QuadPart))) fail("seek in", path_);
}

void OutputFile::truncate(std::uint64_t size) {
  if (fd_ == -1) throwWriteError("truncate", path_, EBADF);
  if (!seekTo(handleOf(fd_), size)) fail("seek in", path_);
  if (!SetEndOfFile(handleOf(fd_))) fail("truncate", path_);
}

void OutputFile::close() {
  if (fd_ == -1) return;
  const HANDLE h = handleOf(fd_);
  fd_ = -1;  // closed whatever CloseHandle says, as on POSIX
  if (!CloseHandle(h)) fail("close", path_);
}

}  // namespace ringmix::consumers
