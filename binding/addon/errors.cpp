#include "errors.hpp"

#include <new>
#include <stdexcept>
#include <system_error>

#include "devices/device_errors.hpp"
#include "engine/control/engine.hpp"

namespace ringmix::addon {

Napi::Error currentExceptionToJs(Napi::Env env) {
  try {
    throw;
  } catch (const engine::TooManyInputsError&) {
    return stateError(env, "ERR_TOO_MANY_INPUTS", "a mixer holds at most " + std::to_string(engine::kMaxInputs) + " inputs");
  } catch (const engine::QueueFullError&) {
    return stateError(env, "ERR_QUEUE_FULL",
                      "too many structural commands are waiting: the mix is not applying them (is its clock stuck?)");
  } catch (const engine::NoSuchInputError&) {
    return rangeError(env, "no such input or output id (it was removed, or never existed)");
  } catch (const devices::NoBackendError& e) {
    return stateError(env, "ERR_NO_AUDIO_BACKEND", e.what());
  } catch (const devices::DeviceNotFoundError& e) {
    return stateError(env, "ERR_DEVICE_NOT_FOUND", e.what());
  } catch (const devices::DeviceError& e) {
    return stateError(env, "ERR_DEVICE", e.what());
  } catch (const std::bad_alloc&) {
    return stateError(env, "ERR_OUT_OF_MEMORY", "out of memory");
  } catch (const std::system_error& e) {
    return stateError(env, "ERR_SYSTEM", std::string("the system refused: ") + e.what());
  } catch (const std::exception& e) {
    return stateError(env, "ERR_INTERNAL", std::string("internal error in ringmix: ") + e.what());
  } catch (...) {
    return stateError(env, "ERR_INTERNAL", "internal error in ringmix");
  }
}

}  // namespace ringmix::addon
