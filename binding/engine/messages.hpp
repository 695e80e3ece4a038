// What crosses between the JS thread and the real-time side by queue: structural commands in,
// events out. All trivially copyable: nothing is constructed or destroyed in transit. (Strip and
// master parameters do not travel here: they are state, read from StripControls/MasterControls.)
#pragma once

#include <cstdint>

namespace ringmix::engine {

struct InputRt;

enum class CommandType : std::uint8_t {
  AddInput,     // input: a fully built input, borrowed by the cycle until it is handed back
  RemoveInput,  // id: handed back through the retired ring; the JS thread frees it after that
};

struct Command {
  CommandType type;
  std::uint32_t id;
  InputRt* input;
};

enum class EventType : std::uint8_t {
  Xrun,  // value: how late the cycle finished past its deadline, in microseconds (0: unknown)
  Skipped,  // value: cycles the clock skipped because it could not keep up (overload)
  Resync,   // id: the input; value: its fill error (frames) when it was hard re-synced
};

struct Event {
  EventType type;
  std::uint32_t id;
  std::uint64_t frame;  // mix frame position when it happened
  double value;
};

}  // namespace ringmix::engine
