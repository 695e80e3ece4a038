#include "consumers/ogg_pager.hpp"

#include <new>
#include <stdexcept>

namespace ringmix::consumers {

OggPager::~OggPager() {
  if (open_) ogg_stream_clear(&state_);
}

void OggPager::begin(std::uint32_t serial) {
  if (open_) ogg_stream_clear(&state_);
  open_ = false;
  // libogg takes the serial as an int; the page carries its 32 bits as they are.
  if (ogg_stream_init(&state_, static_cast<int>(serial)) != 0) throw std::bad_alloc();
  open_ = true;
  serial_ = serial;
  packetNo_ = 0;
  pagedGranule_ = 0;
  pages_ = 0;
}

void OggPager::packet(const std::uint8_t* data, std::size_t bytes, std::int64_t granule, bool eos) {
  if (!open_) throw std::logic_error("OggPager::packet before begin()");
  ogg_packet p{};
  p.packet = const_cast<unsigned char*>(data);  // libogg copies it; the pointer is just not const
  p.bytes = static_cast<long>(bytes);
  p.b_o_s = packetNo_ == 0 ? 1 : 0;
  p.e_o_s = eos ? 1 : 0;
  p.granulepos = granule;
  p.packetno = packetNo_++;
  // Fails only when libogg cannot grow its buffers (or was left in an error state by that).
  if (ogg_stream_packetin(&state_, &p) != 0) throw std::bad_alloc();
}

void OggPager::append(const ogg_page& page, std::vector<std::uint8_t>& out) {
  out.insert(out.end(), page.header, page.header + page.header_len);
  out.insert(out.end(), page.body, page.body + page.body_len);
  const std::int64_t g = ogg_page_granulepos(&page);
  if (g >= 0) pagedGranule_ = g;  // -1: no packet ends on this page
  ++pages_;
}

int OggPager::pageout(std::vector<std::uint8_t>& out) {
  if (!open_) return 0;
  int n = 0;
  ogg_page page;
  while (ogg_stream_pageout(&state_, &page) != 0) {
    append(page, out);
    ++n;
  }
  return n;
}

int OggPager::flush(std::vector<std::uint8_t>& out) {
  if (!open_) return 0;
  int n = 0;
  ogg_page page;
  while (ogg_stream_flush(&state_, &page) != 0) {
    append(page, out);
    ++n;
  }
  return n;
}

}  // namespace ringmix::consumers
