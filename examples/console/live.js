// The go-live button: streams the mix to the Icecast mount configured on the command line or in
// the environment. The URL carries the source password, so it stays in this module: browsers only
// ever learn whether a stream is configured and how it is doing, and every text that leaves here
// has the URL's credentials taken out (ringmix already keeps them out of its messages; this is a
// second guard, for the day a message quotes something it should not).
'use strict';
const { ProtocolError } = require('./protocol');

/** The parts of a URL that must never be shown: user info, and the password on its own. */
function secretsOf(url) {
  try {
    const u = new URL(url);
    return [u.username && u.password ? `${u.username}:${u.password}` : '', decodeURIComponent(u.password), u.password].filter(
      (s) => s.length >= 3,
    );
  } catch {
    return [url]; // not a URL at all: hide all of it
  }
}

class Live {
  /** @param {{ mixer: import('ringmix').Mixer, url: string | null, changed: () => void, event: (kind: string, text: string) => void }} o */
  constructor(o) {
    this.o = o;
    this.secrets = o.url ? secretsOf(o.url) : [];
    this.broadcast = null;
    this.status = { available: Boolean(o.url), status: 'off', message: o.url ? 'ready' : 'no stream configured (--icecast URL)', reconnects: 0 };
  }

  /** `text` with every credential of the configured URL replaced. */
  redact(text) {
    let out = String(text);
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  start() {
    if (!this.o.url) throw new ProtocolError('ERR_NOT_CONFIGURED', 'no stream is configured: start the console with --icecast URL or RINGMIX_ICECAST_URL');
    if (this.broadcast !== null) throw new ProtocolError('ERR_STATE', 'already live');
    const format = /\.(ogg|opus)$/i.test(new URL(this.o.url).pathname) ? 'opus' : 'mp3';
    const b = this.o.mixer.stream({ url: this.o.url, format, name: 'ringmix console' });
    this.broadcast = b;
    this.set('connecting', 'connecting');
    b.on('connected', ({ reconnects }) => {
      this.status.reconnects = reconnects;
      this.set('connected', 'on air');
      this.o.event('live', 'on air');
    });
    b.on('disconnected', ({ reason, retryInMs }) => {
      this.set('reconnecting', `${reason}, retrying in ${(retryInMs / 1000).toFixed(1)} s`);
      this.o.event('live', `stream ${reason}, retrying in ${(retryInMs / 1000).toFixed(1)} s`);
    });
    b.on('dropout', ({ lostFrames }) => this.o.event('dropout', `stream encoder fell behind: ${lostFrames} frames sent as silence`));
    b.on('error', (err) => {
      this.broadcast = null;
      this.set('failed', `${err.code}: ${err.message}`);
      this.o.event('error', `stream failed: ${err.code} ${err.message}`);
    });
  }

  async stop() {
    const b = this.broadcast;
    if (b === null) throw new ProtocolError('ERR_STATE', 'not live');
    this.broadcast = null;
    await b.stop();
    this.set('off', 'stopped');
    this.o.event('live', 'off air');
  }

  set(status, message) {
    this.status = { ...this.status, status, message: this.redact(message) };
    this.o.changed();
  }

  snapshot() {
    return { ...this.status };
  }
}

module.exports = { Live };
