// The file under a writer: a raw descriptor with write/pwrite, so that what a checkpoint pushes
// reaches the kernel at once (no stdio buffer to lose on SIGKILL). Every failing call throws
// WriteError naming the errno and the path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "consumers/file_writer.hpp"

namespace ringmix::consumers {

// "ENOSPC", "EACCES", ... for the errors a file writer meets; "E<number>" for the others.
std::string errnoName(int errnum);
// Throws WriteError "cannot <verb> <path>: <strerror>".
[[noreturn]] void throwWriteError(const std::string& verb, const std::string& path, int errnum);

class PosixFile {
 public:
  // Creates or truncates `path` for writing.
  explicit PosixFile(std::string path);
  ~PosixFile();  // closes quietly if close() was not called
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  // Writes all of `bytes` at the current offset. A short write is an error (ENOSPC when the
  // kernel gave no errno): returns normally only when everything is in.
  void append(const void* data, std::size_t bytes);
  // Writes all of `bytes` at `offset`, leaving the current offset where it is.
  void writeAt(std::uint64_t offset, const void* data, std::size_t bytes);
  // Cuts the file to `size` and moves the current offset there (undoing a partial append).
  void truncate(std::uint64_t size);
  void close();
  bool isOpen() const noexcept { return fd_ >= 0; }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace ringmix::consumers
