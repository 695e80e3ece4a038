// The console's command line. Secrets (the Icecast URL) may also come from the environment, so
// they need not appear in `ps` output or shell history.
'use strict';
const os = require('node:os');

const USAGE = `usage: npm run console -- [options]
  --port N             HTTP port (default 8080; 0 picks a free one, shown in the printed URL)
  --host ADDR          address to listen on (default 127.0.0.1: this machine only)
  --metrics-hz N       meter frames pushed per second, 1-60 (default 30)
  --record-dir DIR     where the record button writes (default: the OS temp dir)
  --record-format F    wav, flac, mp3 or opus (default wav)
  --icecast URL        go-live target, http://source:PASSWORD@host:port/mount (or RINGMIX_ICECAST_URL)
  --device-clock SEL   play on this output device, whose clock drives the mix (index or name)
  --device-input SEL   a capture device as an input instead of the generators (repeatable)`;

class UsageError extends Error {}

function parseArgs(argv, env = process.env) {
  const o = {
    port: 8080,
    host: '127.0.0.1',
    metricsHz: 30,
    recordDir: os.tmpdir(),
    recordFormat: 'wav',
    icecastUrl: env.RINGMIX_ICECAST_URL || null,
    deviceClock: undefined,
    deviceInputs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') throw new UsageError('');
    const value = argv[i + 1];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    i++;
    switch (flag) {
      case '--port':
        o.port = Number(value);
        if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UsageError('--port must be 0-65535');
        break;
      case '--host':
        o.host = value;
        break;
      case '--metrics-hz':
        o.metricsHz = Number(value);
        if (!(o.metricsHz >= 1 && o.metricsHz <= 60)) throw new UsageError('--metrics-hz must be 1-60');
        break;
      case '--record-dir':
        o.recordDir = value;
        break;
      case '--record-format':
        if (!['wav', 'flac', 'mp3', 'opus'].includes(value)) throw new UsageError('--record-format must be wav, flac, mp3 or opus');
        o.recordFormat = value;
        break;
      case '--icecast':
        o.icecastUrl = value;
        break;
      case '--device-clock':
        o.deviceClock = value;
        break;
      case '--device-input':
        o.deviceInputs.push(value);
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  return o;
}

module.exports = { parseArgs, UsageError, USAGE };
