/// <reference lib="dom" />
/**
 * Runs in the console's page (page.evaluate): sends the server bad messages over WebSockets of its
 * own, each with the code its reply must carry, then a flood of 10,000 (half garbage), then one far
 * over the size limit, and returns what came back. Self-contained: the browser runs it as text.
 */
export async function sendBadMessages(tone: number): Promise<{
  bad: (string | number | null | undefined)[][];
  limited: boolean;
  recovered: boolean;
  bigClose: number;
  badJson: number;
}> {
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${location.host}/`);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error('no connection'));
    });
  const until = async (cond: () => boolean): Promise<boolean> => {
    for (const t0 = Date.now(); Date.now() - t0 < 60000; ) {
      if (cond()) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  };
  // Each bad message, and the code its reply must carry.
  const ws = await open();
  const got: { code?: string; seq?: number; type: string }[] = [];
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.type === 'error' || m.type === 'ok') got.push(m);
  };
  ws.send('{"type": "set", ');
  ws.send('[1, 2, 3]');
  ws.send(new Uint8Array([1, 2, 3]));
  const cases: [object, string][] = [
    [{ type: 'explode' }, 'ERR_UNKNOWN_TYPE'],
    [{ type: 'set', input: 9999, param: 'gainDb', value: 0 }, 'ERR_UNKNOWN_INPUT'],
    [{ type: 'set', input: tone, param: 'gainDb', value: 99 }, 'ERR_OUT_OF_RANGE'],
    [{ type: 'set', input: tone, param: 'pan', value: 'left' }, 'ERR_BAD_MESSAGE'],
    [{ type: 'set', input: tone, param: '__proto__', value: 1 }, 'ERR_UNKNOWN_PARAM'],
    [{ type: 'set', input: -1, param: 'muted', value: true }, 'ERR_BAD_MESSAGE'],
    [{ type: 'master', param: 'gainDb', value: 1e308 }, 'ERR_OUT_OF_RANGE'],
    [{ type: 'addInput', source: { generator: 'sine', frequency: 1e9 } }, 'ERR_OUT_OF_RANGE'],
    [{ type: 'addInput', source: { device: 5 } }, 'ERR_UNKNOWN_DEVICE'],
    [{ type: 'removeInput', input: 424242 }, 'ERR_UNKNOWN_INPUT'],
    [{ type: 'record', action: 'stop' }, 'ERR_STATE'],
    [{ type: 'live', action: 'start' }, 'ERR_NOT_CONFIGURED'],
  ];
  cases.forEach(([m], seq) => ws.send(JSON.stringify({ ...m, seq })));
  await until(() => got.length >= cases.length + 3);
  const bad = got.map((m) => [m.code, m.seq ?? null]);

  // A flood: 10,000 messages at once, half of them garbage.
  const flooder = await open();
  const floodCodes: string[] = [];
  let oks = 0;
  flooder.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.type === 'error') floodCodes.push(m.code);
    if (m.type === 'ok') oks++;
  };
  for (let i = 0; i < 10000; i++) {
    flooder.send(i % 2 ? 'garbage{' : JSON.stringify({ type: 'set', input: tone, param: 'pan', value: 0 }));
  }
  const limited = await until(() => floodCodes.includes('ERR_RATE_LIMITED'));
  // The same connection is served again once it calms down: ask until one request is answered.
  let k = 0;
  const recovered = await until(() => {
    if (oks === 0) flooder.send(JSON.stringify({ type: 'set', input: tone, param: 'pan', value: 0, seq: k++ }));
    return oks > 0;
  });

  // A message far over the size limit closes that one socket (1009), nothing else.
  const big = await open();
  const closed = new Promise<number>((r) => (big.onclose = (e) => r(e.code)));
  big.send(JSON.stringify({ type: 'set', input: tone, param: 'pan', value: 0, pad: 'x'.repeat(100000) }));
  const bigClose = await closed;
  ws.close();
  flooder.close();
  return { bad, limited, recovered, bigClose, badJson: floodCodes.filter((c) => c === 'ERR_BAD_JSON').length };
}
