// CallbackGate and Baton, single-threaded: what each call returns in every state.
#include <doctest/doctest.h>

#include "rt/baton.hpp"
#include "rt/callback_gate.hpp"

using ringmix::rt::Baton;
using ringmix::rt::BatonScope;
using ringmix::rt::CallbackGate;

TEST_CASE("CallbackGate: open lets callbacks in, closed keeps them out for good") {
  CallbackGate g;
  CHECK(!g.closed());
  CHECK(g.idle());
  REQUIRE(g.enter());
  CHECK(!g.idle());  // one callback inside
  REQUIRE(g.enter());
  g.leave();
  CHECK(!g.idle());
  g.close();
  CHECK(g.closed());
  CHECK(!g.idle());   // the first callback is still inside: its context must not be freed yet
  CHECK(!g.enter());  // nobody new gets in
  CHECK(!g.idle());
  g.leave();
  CHECK(g.idle());
  CHECK(!g.enter());  // and never again
  CHECK(g.idle());    // a refused enter leaves no trace
  g.close();          // closing twice is harmless
  CHECK(g.closed());
}

TEST_CASE("Baton: one holder at a time, and a scope gives it back") {
  Baton b;
  {
    BatonScope first(b);
    CHECK(static_cast<bool>(first));
    BatonScope second(b);
    CHECK(!static_cast<bool>(second));  // taken: the second caller does not wait
  }
  BatonScope again(b);
  CHECK(static_cast<bool>(again));
}
