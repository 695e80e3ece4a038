// FileWriter: what a recorder hands the mix to, one file at a time. Runs on the recorder's own
// (non-real-time) thread: it may allocate, block on the disk and throw. One implementation per
// format (wav_writer.hpp, flac_writer.hpp, mp3_writer.hpp, opus_writer.hpp), chosen by openWriter().
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace ringmix::consumers {

enum class FileFormat { wav, flac, mp3, opus };

struct WriterSpec {
  std::string path;
  FileFormat format = FileFormat::wav;
  std::uint32_t sampleRate = 48000;
  std::uint32_t channels = 2;
  int bitDepth = 24;                              // WAV/FLAC: 16 or 24 (integer PCM), 32 (WAV: float)
  int bitrateKbps = 0;                            // MP3/Opus; 0: the format's default
  std::map<std::string, std::string> metadata;    // title, artist, ... (WAV: LIST/INFO, FLAC and Opus: Vorbis comments)
  // WAV: past this many bytes of audio the file becomes RF64 (the 32-bit RIFF sizes overflow at
  // 4 GiB). A parameter only so that tests can cross it without writing 4 GiB.
  std::uint64_t rf64AfterBytes = 0xFFFFFFFFull - 1024;
};

// A failed system call on the file: `code` is the errno name ("ENOSPC", "EACCES", "ENOENT", ...),
// the message says what was being done and to which path.
struct WriteError : std::runtime_error {
  WriteError(const std::string& message, int errnum, std::string errnoName)
      : std::runtime_error(message), errnum(errnum), code(std::move(errnoName)) {}
  int errnum;
  std::string code;
};

class FileWriter {
 public:
  virtual ~FileWriter() = default;
  // Appends `frames` interleaved float frames (spec.channels per frame, nominally within ±1).
  virtual void write(const float* interleaved, std::size_t frames) = 0;
  // Makes everything written so far playable if the process died now (WAV: sizes in the header
  // brought up to date, data pushed to the kernel). Called about once a second.
  virtual void checkpoint() = 0;
  // Completes the file (final header, encoder flushed) and closes it. Idempotent.
  virtual void finish() = 0;
  virtual std::uint64_t framesWritten() const noexcept = 0;
  virtual std::uint64_t bytesWritten() const noexcept = 0;  // the file's size so far
};

// Opens (creates or truncates) spec.path for the format. Throws WriteError (the file cannot be
// created) or std::invalid_argument (a format or bit depth not supported; thrown before the file
// is created).
std::unique_ptr<FileWriter> openWriter(const WriterSpec& spec);

}  // namespace ringmix::consumers
