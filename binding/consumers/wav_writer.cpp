#include "consumers/wav_writer.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

namespace ringmix::consumers {

namespace {

static_assert(std::endian::native == std::endian::little, "WAV samples are written as in memory");

constexpr std::size_t kChunkFrames = 4096;  // frames converted per write() system call

}  // namespace

WavWriter::WavWriter(const WriterSpec& spec)
    : header_(spec),
      file_(spec.path),
      channels_(spec.channels),
      bitDepth_(spec.bitDepth),
      rf64AfterBytes_(spec.rf64AfterBytes),
      quantizer_(spec.bitDepth),
      scratch_(kChunkFrames * spec.channels * static_cast<std::size_t>(spec.bitDepth / 8)) {
  file_.append(header_.data(), header_.size());
}

WavWriter::~WavWriter() {
  try {
    finish();
  } catch (...) {
  }
}

void WavWriter::convert(const float* in, std::size_t samples, std::uint8_t* out) {
  if (bitDepth_ == 32) {
    std::memcpy(out, in, samples * sizeof(float));  // float as given: bit for bit
  } else {
    quantizer_.toLittleEndian(in, samples, out);  // 16-bit dithered, 24-bit rounded (pcm_convert.hpp)
  }
}

void WavWriter::write(const float* interleaved, std::size_t frames) {
  if (finished_) throw std::logic_error("WavWriter::write after finish: " + file_.path());
  const std::size_t frameBytes = channels_ * static_cast<std::size_t>(bitDepth_ / 8);
  while (frames > 0) {
    const std::size_t n = frames < kChunkFrames ? frames : kChunkFrames;
    convert(interleaved, n * channels_, scratch_.data());
    padded_ = false;  // this append starts on the pad byte, if there was one
    try {
      file_.append(scratch_.data(), n * frameBytes);
    } catch (const WriteError&) {
      // Drop the partial chunk so the file ends on the last frame the header may count.
      try {
        file_.truncate(header_.size() + dataBytes_);
      } catch (const WriteError&) {
      }
      throw;
    }
    dataBytes_ += n * frameBytes;
    frames_ += n;
    interleaved += n * channels_;
    frames -= n;
  }
}

void WavWriter::commitHeader() {
  // RF64 once past the threshold, or when the 32-bit RIFF size would overflow whatever it is;
  // never back: a reader takes a file as RF64 from its first four bytes.
  if (!rf64_ && (dataBytes_ > rf64AfterBytes_ || header_.size() + dataBytes_ > 0xFFFFFFFFull))
    rf64_ = true;
  header_.update(dataBytes_, frames_, rf64_);
  // One pwrite for the whole header: a reader (or a crash) sees the old sizes or the new ones.
  file_.writeAt(0, header_.data(), header_.size());
  // The pad byte after the header: on a full disk it may fail, and the sizes are right anyway
  // (readers tolerate a missing pad at the end of the file; they do not tolerate stale sizes).
  if ((dataBytes_ & 1) != 0 && !padded_) {
    const std::uint8_t pad = 0;
    file_.writeAt(header_.size() + dataBytes_, &pad, 1);
    padded_ = true;
  }
}

void WavWriter::checkpoint() {
  if (finished_) return;
  // write() and pwrite() hand the data to the kernel: it survives the process (not a power
  // cut; fdatasync would cost a disk flush a second and is not asked for).
  commitHeader();
}

void WavWriter::finish() {
  if (finished_) return;
  finished_ = true;  // once: a finish that failed leaves the file as the last checkpoint did
  try {
    commitHeader();
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
