// Per-connection rate limit on commands (a token bucket), so one runaway or hostile client cannot
// keep the event loop busy applying commands and drown the meters of everyone else. A person
// dragging a fader sends one message per animation frame (60/s); the bucket allows bursts well
// above that and refuses the rest with one ERR_RATE_LIMITED reply per second, not one per message
// (replying to each would let the flood make us flood back).
'use strict';

class FloodGuard {
  /** @param {{ ratePerSecond?: number, burst?: number, now?: () => number }} [o] */
  constructor(o = {}) {
    this.rate = o.ratePerSecond ?? 200;
    this.burst = o.burst ?? 400;
    this.now = o.now ?? (() => performance.now());
    this.tokens = this.burst;
    this.last = this.now();
    this.refused = 0; // refused since the last report
    this.lastReport = -Infinity;
  }

  /** True when this message may be handled. */
  allow() {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.refused++;
    return false;
  }

  /** How many were refused since the last report, when it is time to tell the client (else 0). */
  report() {
    const t = this.now();
    if (this.refused === 0 || t - this.lastReport < 1000) return 0;
    const n = this.refused;
    this.refused = 0;
    this.lastReport = t;
    return n;
  }
}

module.exports = { FloodGuard };
