// LAME (the MP3 encoder), loaded at run time. The addon must load, and every other format must
// record, on a machine without libmp3lame0; and Debian's libmp3lame.a is not -fPIC, so it cannot
// be linked into the addon either. So nothing links against LAME: the first MP3 writer dlopens
// libmp3lame.so.0 and resolves the functions below. lame/lame.h is used at compile time only, for
// the types, the constants and the functions' signatures (decltype), never for a symbol.
#pragma once

#include <lame/lame.h>

#include <string>

namespace ringmix::consumers {

// Every LAME function Mp3Writer calls; the table is resolved from the list, so a function used
// in mp3_writer.cpp but missing here fails to link (nothing provides LAME's symbols).
#define RINGMIX_LAME_FUNCTIONS(X)                                                                  \
  X(lame_init) X(lame_close) X(lame_init_params) X(lame_set_errorf) X(lame_set_debugf)             \
  X(lame_set_msgf) X(lame_set_in_samplerate) X(lame_set_out_samplerate) X(lame_set_num_channels)   \
  X(lame_set_mode) X(lame_set_VBR) X(lame_set_brate) X(lame_set_quality) X(lame_set_bWriteVbrTag)  \
  X(lame_set_write_id3tag_automatic) X(lame_get_id3v2_tag) X(lame_get_lametag_frame)               \
  X(lame_encode_buffer_ieee_float) X(lame_encode_buffer_interleaved_ieee_float)                    \
  X(lame_encode_flush) X(id3tag_init) X(id3tag_add_v2) X(id3tag_v2_only) X(id3tag_set_title)       \
  X(id3tag_set_artist) X(id3tag_set_album) X(id3tag_set_year) X(id3tag_set_comment)                \
  X(id3tag_set_genre) X(id3tag_set_textinfo_latin1) X(id3tag_set_textinfo_utf16)                   \
  X(id3tag_set_comment_utf16)

// The functions, named as in LAME: api.lame_init() calls the loaded library's lame_init.
struct LameApi {
#define RINGMIX_LAME_MEMBER(name) decltype(&::name) name = nullptr;
  RINGMIX_LAME_FUNCTIONS(RINGMIX_LAME_MEMBER)
#undef RINGMIX_LAME_MEMBER
};

// The outcome of the one load: api when every function resolved, else null and why (naming the
// package to install).
struct LameLibrary {
  const LameApi* api = nullptr;
  std::string error;
};

// Loads LAME once per process (thread-safe) and keeps it loaded for the life of the process.
// RINGMIX_LAME_LIBRARY, if set, names the library to load instead of libmp3lame.so.0 (another
// build, or in tests a missing one); it is read at that first load only.
const LameLibrary& lameLibrary();

}  // namespace ringmix::consumers
