#include "consumers/opus_writer.hpp"

#include <stdexcept>

namespace ringmix::consumers {

namespace {

StreamSpec streamSpec(const WriterSpec& spec) {
  StreamSpec s;
  s.format = FileFormat::opus;
  s.sampleRate = spec.sampleRate;
  s.channels = spec.channels;
  s.bitrateKbps = spec.bitrateKbps;
  s.metadata = spec.metadata;
  return s;
}

}  // namespace

OpusWriter::OpusWriter(const WriterSpec& spec)
    : encoder_(streamSpec(spec), kFilePageMs), file_(spec.path) {
  // The header pages at once: a file killed before its first checkpoint is still an Ogg/Opus
  // file (of no audio) rather than an empty one.
  encoder_.flushPage(buffer_);
  append();
}

OpusWriter::~OpusWriter() {
  try {
    finish();
  } catch (...) {
  }
}

void OpusWriter::append() {
  if (buffer_.empty()) return;
  try {
    file_.append(buffer_.data(), buffer_.size());
  } catch (const WriteError& e) {
    // Cut back what part of this went in: the file ends on the last whole page.
    failed_ = e;
    buffer_.clear();
    try {
      file_.truncate(bytes_);
    } catch (const WriteError&) {
    }
    throw;
  }
  bytes_ += buffer_.size();
  buffer_.clear();
}

void OpusWriter::write(const float* interleaved, std::size_t frames) {
  if (finished_) throw std::logic_error("OpusWriter::write after finish: " + file_.path());
  if (failed_) throw *failed_;
  encoder_.encode(interleaved, frames, buffer_);
  frames_ += frames;
  append();
}

void OpusWriter::checkpoint() {
  if (finished_ || failed_) return;
  // The packets encoded since the last page, on a page of their own, to the kernel now (pages
  // that were complete went at once).
  encoder_.flushPage(buffer_);
  append();
}

void OpusWriter::finish() {
  if (finished_) return;
  finished_ = true;  // once: a finish that failed leaves the file as the last whole page did
  try {
    if (!failed_) {
      encoder_.finish(buffer_);  // the last packet padded, its granule trimming it, EOS
      append();
    }
  } catch (const std::exception&) {
    try {
      file_.close();
    } catch (const WriteError&) {
    }
    throw;
  }
  file_.close();
}

}  // namespace ringmix::consumers
