// The engine without a device backend (the `nodevices` build compiles devices/no_backend.cpp in
// place of PortAudio, and only that build compiles this test): device calls throw NoBackendError
// saying what to install; mixing works.
#include <doctest/doctest.h>

#include <string>

#include "devices/device_errors.hpp"
#include "devices/device_list.hpp"
#include "engine/control/engine.hpp"

using namespace ringmix;

TEST_SUITE("engine-cycle") {
  TEST_CASE("without a device backend, device calls say what to install and mixing goes on") {
    engine::Engine e(engine::EngineConfig{}, engine::ClockMode::Simulated);
    engine::InputSpec tone;
    const auto id = e.addInput(tone);
    e.advance(4800);
    CHECK(e.metrics().frames == 4800);
    CHECK(e.inputChannels(id) == 2);
    CHECK(!devices::backendAvailable());
    CHECK(devices::backendUnavailableReason().find("PortAudio") != std::string::npos);
    CHECK_THROWS_AS(devices::deviceList(false), devices::NoBackendError);
    engine::InputSpec capture;
    capture.kind = engine::InputSpec::Kind::Device;
    capture.device = devices::DeviceRef{0, "default", ""};
    capture.deviceChannels = {0};
    CHECK_THROWS_AS(e.addInput(capture), devices::NoBackendError);
    CHECK_THROWS_AS(e.addOutput(devices::DeviceRef{0, "default", ""}, 2, 0, "out"), devices::NoBackendError);
    e.advance(4800);  // still mixing
    CHECK(e.metrics().frames == 9600);
  }
}
