// The connected browsers: every command goes to the session, and every change goes back to all
// of them at once (state coalesced to one message per turn of the event loop, however many
// commands that turn applied), with the meters pushed on a timer. A client that sends rubbish gets
// an error reply; nothing a client sends can throw out of here.
'use strict';
const { parseMessage } = require('./protocol');
const { FloodGuard } = require('./flood-guard');
const { metricsFrame } = require('./metrics-frame');

/** A browser that has not read this much yet gets no meter frames until it catches up. */
const SLOW_CLIENT_BYTES = 1 << 20;
/** Log lines sent per meter frame, at most (see queueEvent). */
const EVENTS_PER_TICK = 10;

class Hub {
  /** @param {import('./mixer-session').MixerSession} session @param {{ metricsHz: number }} o */
  constructor(session, o) {
    this.session = session;
    this.clients = new Set();
    this.frameNo = 0;
    this.statePending = false;
    this.events = [];
    session.on('change', () => this.stateChanged());
    session.on('event', (e) => this.queueEvent(e));
    this.dropped = 0; // events over the per-tick allowance, told as one summary line
    this.timer = setInterval(() => this.pushMetrics(), 1000 / o.metricsHz);
  }

  add(ws) {
    const client = { ws, guard: new FloodGuard() };
    this.clients.add(client);
    ws.on('message', (data, isBinary) => this.receive(client, data, isBinary));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client)); // a broken socket: ws closes it
    this.send(client, { type: 'state', state: this.session.state() });
  }

  receive(client, data, isBinary) {
    if (!client.guard.allow()) {
      const refused = client.guard.report();
      if (refused) this.error(client, { code: 'ERR_RATE_LIMITED', message: `too many messages: ${refused} ignored (at most 200/s)` });
      return;
    }
    let parsed;
    try {
      if (isBinary) throw Object.assign(new Error('messages are JSON text'), { code: 'ERR_BAD_MESSAGE' });
      parsed = parseMessage(data.toString('utf8'));
    } catch (err) {
      this.error(client, err);
      return;
    }
    this.session.apply(parsed.command).then(
      () => parsed.seq !== undefined && this.send(client, { type: 'ok', seq: parsed.seq }),
      (err) => this.error(client, err, parsed.seq),
    );
  }

  /** An error reply: ringmix's and the protocol's errors carry codes; anything else is ours. */
  error(client, err, seq = err.seq) {
    const coded = typeof err.code === 'string';
    if (!coded) console.error('ringmix console: unexpected error:', this.session.live.redact(err && err.stack));
    const message = this.session.live.redact(coded ? err.message : 'internal error');
    this.send(client, { type: 'error', code: coded ? err.code : 'ERR_INTERNAL', message, ...(seq !== undefined && { seq }) });
  }

  stateChanged() {
    if (this.statePending) return;
    this.statePending = true;
    setImmediate(() => {
      this.statePending = false;
      this.broadcast({ type: 'state', state: this.session.state() });
    });
  }

  /**
   * Events go out with the next meter frame, at most EVENTS_PER_TICK of them: a machine in
   * trouble can raise hundreds of xruns a second, and the log is for people to read.
   */
  queueEvent(e) {
    if (this.events.length < EVENTS_PER_TICK) this.events.push(e);
    else this.dropped++;
  }

  flushEvents() {
    const events = this.events;
    this.events = [];
    if (this.dropped) events.push({ kind: 'more', text: `… and ${this.dropped} more events`, at: Date.now() });
    this.dropped = 0;
    for (const e of events) this.broadcast({ type: 'event', ...e });
  }

  pushMetrics() {
    this.flushEvents();
    if (this.clients.size === 0 || this.session.mixer.closed) return;
    let frame;
    try {
      const m = this.session.metrics();
      frame = metricsFrame(m, ++this.frameNo);
      if (this.session.recording.recorder) frame.rec = this.session.recording.snapshot().frames;
    } catch (err) {
      console.error(`ringmix console: metrics: ${err.code} ${err.message}`);
      return;
    }
    const text = JSON.stringify(frame);
    for (const c of this.clients) if (c.ws.bufferedAmount < SLOW_CLIENT_BYTES) c.ws.send(text);
  }

  broadcast(message) {
    const text = JSON.stringify(message);
    for (const c of this.clients) c.ws.send(text);
  }

  send(client, message) {
    if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify(message));
  }

  close() {
    clearInterval(this.timer);
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
  }
}

module.exports = { Hub };
