#include "consumers/flac_writer.hpp"

#include <FLAC/format.h>
#include <FLAC/metadata.h>
#include <FLAC/stream_encoder.h>

#include <array>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

namespace ringmix::consumers {

namespace {

constexpr std::size_t kChunkFrames = 4096;  // frames converted per call into the encoder
constexpr unsigned kCompressionLevel = 5;   // libFLAC's (and flac's) default: blocks of 4096

// STREAMINFO's data starts after "fLaC" and its 4-byte block header (libFLAC writes it first);
// total samples are its 36 bits ending at byte 18, below the bit depth's last 4 bits.
constexpr std::uint64_t kTotalSamplesAt = 8 + 13;

// Vorbis comment names for the metadata keys the recorder knows, in the order they are written.
constexpr std::array<std::pair<const char*, const char*>, 6> kTagNames{{
    {"title", "TITLE"}, {"artist", "ARTIST"}, {"comment", "COMMENT"},
    {"date", "DATE"}, {"genre", "GENRE"}, {"software", "ENCODER"},
}};

int checkedBits(int bits) {
  if (bits != 16 && bits != 24)
    throw std::invalid_argument("bitDepth: FLAC takes 16 or 24 bits, not " + std::to_string(bits));
  return bits;
}

}  // namespace

// The libFLAC side of a writer. Members in this order: the encoder points to the tags, so it is
// deleted first (deleting a running encoder finishes it without calling anything back).
struct FlacWriter::Encoder {
  struct DeleteEncoder {
    void operator()(FLAC__StreamEncoder* e) const noexcept { FLAC__stream_encoder_delete(e); }
  };
  struct DeleteMetadata {
    void operator()(FLAC__StreamMetadata* m) const noexcept { FLAC__metadata_object_delete(m); }
  };
  std::unique_ptr<FLAC__StreamMetadata, DeleteMetadata> tags;  // the Vorbis comment block
  std::unique_ptr<FLAC__StreamEncoder, DeleteEncoder> encoder;

  explicit Encoder(const std::map<std::string, std::string>& metadata)
      : tags(FLAC__metadata_object_new(FLAC__METADATA_TYPE_VORBIS_COMMENT)),
        encoder(FLAC__stream_encoder_new()) {
    if (!tags || !encoder) throw std::bad_alloc();
    for (const auto& [key, name] : kTagNames) {
      auto it = metadata.find(key);
      if (it == metadata.end() || it->second.empty()) continue;
      const std::string& value = it->second;
      const auto* bytes = reinterpret_cast<const FLAC__byte*>(value.data());
      if (!FLAC__format_vorbiscomment_entry_value_is_legal(bytes, static_cast<unsigned>(value.size())))
        throw std::invalid_argument(std::string("metadata.") + key + ": not valid UTF-8");
      std::string text = std::string(name) + "=" + value;
      FLAC__StreamMetadata_VorbisComment_Entry entry{static_cast<FLAC__uint32>(text.size()),
                                                     reinterpret_cast<FLAC__byte*>(text.data())};
      if (!FLAC__metadata_object_vorbiscomment_append_comment(tags.get(), entry, /*copy=*/true))
        throw std::bad_alloc();
    }
  }

  std::string state() const {
    return FLAC__StreamEncoderStateString[FLAC__stream_encoder_get_state(encoder.get())];
  }

  // The callbacks, client data the writer. They never throw: libFLAC is C.
  static FLAC__StreamEncoderWriteStatus write(const FLAC__StreamEncoder*, const FLAC__byte buffer[],
                                              std::size_t bytes, std::uint32_t samples, std::uint32_t,
                                              void* self) noexcept {
    auto* w = static_cast<FlacWriter*>(self);
    try {
      // pwrite at our own position: the encoder's seek back (finish) moves no descriptor offset.
      // One call carries one whole frame (samples > 0) or metadata block: once it returned, the
      // frame is in the kernel, whatever becomes of this process.
      w->file_.writeAt(w->pos_, buffer, bytes);
    } catch (...) {
      w->error_ = std::current_exception();
      return FLAC__STREAM_ENCODER_WRITE_STATUS_FATAL_ERROR;
    }
    w->pos_ += bytes;
    if (w->pos_ > w->end_) w->end_ = w->pos_;
    w->framesOnDisk_ += samples;
    return FLAC__STREAM_ENCODER_WRITE_STATUS_OK;
  }
  static FLAC__StreamEncoderSeekStatus seek(const FLAC__StreamEncoder*, FLAC__uint64 offset,
                                            void* self) noexcept {
    auto* w = static_cast<FlacWriter*>(self);
    if (offset > w->end_) return FLAC__STREAM_ENCODER_SEEK_STATUS_ERROR;  // only back into the file
    w->pos_ = offset;
    return FLAC__STREAM_ENCODER_SEEK_STATUS_OK;
  }
  static FLAC__StreamEncoderTellStatus tell(const FLAC__StreamEncoder*, FLAC__uint64* offset,
                                            void* self) noexcept {
    *offset = static_cast<FlacWriter*>(self)->pos_;
    return FLAC__STREAM_ENCODER_TELL_STATUS_OK;
  }
};

FlacWriter::FlacWriter(const WriterSpec& spec)
    : quantizer_(checkedBits(spec.bitDepth)),
      channels_(spec.channels),
      bitDepth_(spec.bitDepth),
      encoder_(std::make_unique<Encoder>(spec.metadata)),
      file_(spec.path),  // created only once the arguments passed
      scratch_(kChunkFrames * spec.channels) {
  FLAC__StreamEncoder* e = encoder_->encoder.get();
  // Rates a frame header cannot name (above 65535 Hz and not a multiple of 10) leave the
  // streamable subset: the rate is then in STREAMINFO only, which every decoder reads anyway.
  FLAC__StreamMetadata* blocks[] = {encoder_->tags.get()};
  const bool subset = FLAC__format_sample_rate_is_subset(spec.sampleRate);
  const bool set = FLAC__stream_encoder_set_channels(e, channels_) &&
                   FLAC__stream_encoder_set_bits_per_sample(e, static_cast<unsigned>(bitDepth_)) &&
                   FLAC__stream_encoder_set_sample_rate(e, spec.sampleRate) &&
                   FLAC__stream_encoder_set_compression_level(e, kCompressionLevel) &&
                   FLAC__stream_encoder_set_streamable_subset(e, subset) &&
                   FLAC__stream_encoder_set_metadata(e, blocks, 1);  // MD5: always on
  if (!set) {
    throw std::runtime_error("cannot configure the FLAC encoder for " + file_.path() + ": " +
                             encoder_->state());
  }
  // With seek and tell callbacks, FLAC__stream_encoder_finish() seeks back and completes STREAMINFO.
  const FLAC__StreamEncoderInitStatus status =
      FLAC__stream_encoder_init_stream(e, &Encoder::write, &Encoder::seek, &Encoder::tell, nullptr, this);
  if (status != FLAC__STREAM_ENCODER_INIT_STATUS_OK) {
    if (error_) std::rethrow_exception(error_);  // "fLaC" and the metadata blocks did not fit
    throw std::runtime_error("cannot start the FLAC encoder for " + file_.path() + ": " +
                             FLAC__StreamEncoderInitStatusString[status]);
  }
}

FlacWriter::~FlacWriter() {
  try {
    finish();
  } catch (...) {
  }
}

void FlacWriter::fail() {
  failed_ = true;
  if (!error_) {
    // Not a write of ours: the encoder itself gave up (out of memory).
    error_ = std::make_exception_ptr(
        std::runtime_error("FLAC encoding failed (" + file_.path() + "): " + encoder_->state()));
  }
  // A frame cut short by the failing write would end the file in garbage: drop it, so the file
  // ends on the last whole frame, as STREAMINFO will count it.
  try {
    file_.truncate(end_);
  } catch (const WriteError&) {
  }
  pos_ = end_;
}

void FlacWriter::write(const float* interleaved, std::size_t frames) {
  if (finished_) throw std::logic_error("FlacWriter::write after finish: " + file_.path());
  if (failed_) std::rethrow_exception(error_);  // the encoder stopped at the first error
  while (frames > 0) {
    const std::size_t n = frames < kChunkFrames ? frames : kChunkFrames;
    quantizer_.toInt32(interleaved, n * channels_, scratch_.data());
    if (!FLAC__stream_encoder_process_interleaved(encoder_->encoder.get(), scratch_.data(),
                                                  static_cast<unsigned>(n))) {
      fail();
      std::rethrow_exception(error_);
    }
    framesIn_ += n;
    interleaved += n * channels_;
    frames -= n;
  }
}

void FlacWriter::checkpoint() {
  // Every frame the encoder completed went to the kernel in the write() that completed it (no
  // buffer of ours in between); the rest is less than one block, which the encoder cannot end
  // early: a fixed-blocksize stream has short frames only at its end. STREAMINFO keeps total
  // samples 0 ("unknown") until finish(): a count written now would be wrong for the frames that
  // follow, and decoders read a stream of unknown length to its last whole frame.
}

void FlacWriter::patchTotalSamples() {
  // libFLAC left STREAMINFO as it wrote it at the start (total samples 0, no MD5, frame sizes 0:
  // all "unknown"); the count of what is on disk is the one field worth setting.
  const std::uint64_t n = framesOnDisk_;
  const std::uint8_t field[5] = {
      static_cast<std::uint8_t>((((bitDepth_ - 1) & 0xF) << 4) | ((n >> 32) & 0xF)),
      static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
      static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  file_.writeAt(kTotalSamplesAt, field, sizeof field);
}

void FlacWriter::finish() {
  if (finished_) return;
  finished_ = true;  // once: a finish that failed leaves the file as it stands
  const bool failedBefore = failed_;
  // The last block, then STREAMINFO rewritten in place (through seek and write callbacks).
  if (!failed_ && !FLAC__stream_encoder_finish(encoder_->encoder.get())) fail();
  if (!failed_) {
    file_.close();
    return;
  }
  // The encoder stopped early, here or in a write() (which reported it): what is on disk plays,
  // and STREAMINFO gets its length.
  try {
    patchTotalSamples();
  } catch (const WriteError&) {
  }
  try {
    file_.close();
  } catch (const WriteError&) {
  }
  if (!failedBefore) std::rethrow_exception(error_);
}

}  // namespace ringmix::consumers
