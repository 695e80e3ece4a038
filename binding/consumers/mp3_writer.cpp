#include "consumers/mp3_writer.hpp"

#include <stdexcept>
#include <string>

namespace ringmix::consumers {

Mp3Writer::Mp3Writer(const WriterSpec& spec)
    : encoder_(spec.sampleRate, spec.channels, spec.bitrateKbps, /*infoFrame=*/true, spec.metadata),
      file_(spec.path),
      sink_([this](const unsigned char* data, std::size_t bytes) { append(data, bytes); }) {
  const auto tag = encoder_.id3v2Tag();
  if (!tag.empty()) {
    file_.append(tag.data(), tag.size());
    tagBytes_ = tag.size();
    bytes_ = tagBytes_;
  }
}

Mp3Writer::~Mp3Writer() {
  try {
    finish();
  } catch (...) {
  }
}

void Mp3Writer::append(const unsigned char* data, std::size_t bytes) {
  try {
    file_.append(data, bytes);
  } catch (const WriteError& e) {
    // Cut back what part of this went in: the file ends where the last whole append did.
    failed_ = e;
    try {
      file_.truncate(bytes_);
    } catch (const WriteError&) {
    }
    throw;
  }
  bytes_ += bytes;
}

void Mp3Writer::write(const float* interleaved, std::size_t frames) {
  if (finished_) throw std::logic_error("Mp3Writer::write after finish: " + file_.path());
  if (failed_) throw *failed_;
  encoder_.encode(interleaved, frames, sink_);
}

void Mp3Writer::writeInfoFrame() {
  const auto frame = encoder_.infoFrame();
  // Over the frame LAME reserved, right after the tag; a single pwrite, in place (no new space).
  if (!frame.empty()) file_.writeAt(tagBytes_, frame.data(), frame.size());
}

void Mp3Writer::checkpoint() {
  if (finished_ || failed_) return;
  // Every byte LAME produced is already with the kernel (write() appends it at once). The Info
  // frame as of now lets a decoder take it as a header (not a silent frame) and trim the encoder
  // delay, should the process die before finish(); ffmpeg then decodes every whole frame on disk
  // (those written after the checkpoint too) and drops a half-written last one.
  if (encoder_.framesIn() > 0) writeInfoFrame();
}

void Mp3Writer::finish() {
  if (finished_) return;
  finished_ = true;  // once: a finish that failed leaves the file as the last checkpoint did
  try {
    if (!failed_) encoder_.flush(sink_);
  } catch (const std::exception&) {
    try {
      writeInfoFrame();
      file_.close();
    } catch (const WriteError&) {
    }
    throw;
  }
  try {
    writeInfoFrame();
  } catch (const WriteError&) {
    try {
      file_.close();
    } catch (const WriteError&) {
    }
    throw;
  }
  file_.close();
}

}  // namespace ringmix::consumers
