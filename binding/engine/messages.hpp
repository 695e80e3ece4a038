// What crosses between the JS thread and the real-time thread: commands in, events out, and the
// retired-input hand-back. All trivially copyable: nothing is constructed or destroyed in transit.
#pragma once

#include <cstdint>

namespace ringmix::engine {

struct Input;

enum class CommandType : std::uint8_t {
  AddInput,     // input: a fully built Input, owned by the real-time side from now on
  RemoveInput,  // id: handed back through the retired queue, then freed on the JS thread
  SetGainDb,
  SetPan,
  SetMuted,
  SetSolo,
  SetMasterGainDb,
};

struct Command {
  CommandType type;
  std::uint32_t id;
  double value;
  Input* input;
};

enum class EventType : std::uint8_t {
  Xrun,  // value: how late the cycle finished past its deadline, in microseconds
};

struct Event {
  EventType type;
  std::uint32_t id;
  std::uint64_t frame;  // mix frame position when it happened
  double value;
};

}  // namespace ringmix::engine
