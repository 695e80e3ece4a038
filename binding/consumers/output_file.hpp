// The file under a writer: a raw descriptor (POSIX write/pwrite, output_file_posix.cpp) or handle
// (Windows WriteFile, output_file_windows.cpp), so that what a checkpoint pushes reaches the
// kernel at once (no stdio buffer to lose on SIGKILL). Every failing call throws WriteError naming
// the errno and the path (Windows errors are mapped to the errno values that mean the same).
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

class OutputFile {
 public:
  // Creates or truncates `path` for writing.
  explicit OutputFile(std::string path);
  ~OutputFile();  // closes quietly if close() was not called
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Writes all of `bytes` at the current offset. A short write is an error (ENOSPC when the
  // kernel gave no errno): returns normally only when everything is in.
  void append(const void* data, std::size_t bytes);
  // Writes all of `bytes` at `offset`, leaving the current offset where it is.
  void writeAt(std::uint64_t offset, const void* data, std::size_t bytes);
  // Cuts the file to `size` and moves the current offset there (undoing a partial append).
  void truncate(std::uint64_t size);
  void close();
  bool isOpen() const noexcept { return fd_ != -1; }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  // The descriptor, or on Windows the HANDLE's value (INVALID_HANDLE_VALUE is -1 too).
  std::intptr_t fd_ = -1;
};

}  // namespace ringmix::consumers
