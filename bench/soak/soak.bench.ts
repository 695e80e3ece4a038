/**
 * The soak test: `npm run soak [-- --minutes N | --quick]` (scripts/soak.sh). A realistic load
 * (load.ts) runs for N minutes (default 10; --quick: 1) on real components: the engine's own
 * real-time clock, a real JACK server (dummy driver) for a capture input and an extra output, a
 * real icecast2 for the stream, a FLAC recording on disk, JS feeding push inputs and reading taps,
 * metrics polled at 60 Hz, and a CPU hog busy on one core the whole time. JSON report on stdout,
 * progress on stderr; it fails on any xrun, any loss a part of the load reports, or memory growth
 * beyond 5% after warm-up (report.ts says exactly what counts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildInfo, type Metrics } from '../..';
import { startIcecast, type IcecastServer } from '../../test/helpers/icecast';
import { startJack, type JackServer } from '../../test/helpers/servers';
import { FaderAutomation } from './automation';
import { JobTimes } from './job-times';
import { soakConfig } from './config';
import { RecorderWatch, snapshot, type Snapshot } from './counters';
import { freezeReport, freezesNear, gather, startIdleWitnesses, type Witness } from './freezes';
import { startHog, type Hog } from './hog';
import { StreamListener } from './listener';
import { buildLoad, GENERATORS, PUSH_INPUTS, type Load } from './load';
import { collectGarbage, memoryReport } from './memory';
import { PushFeed } from './push-feed';
import { buildReport, lossList } from './report';
import { Sampler } from './sampler';
import { round } from './stats';
import { TapReaders } from './tap-readers';

const cfg = soakConfig();
const JACK = 'JACK Audio Connection Kit';
const MOUNT = '/soak.mp3';
const log = (msg: string): void => void process.stderr.write(`soak: ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Up means: every input on a clock of its own locked, the output locked, the stream on air. */
function ready(load: Load, m: Metrics): boolean {
  const ownClock = new Set([...load.generators, load.capture].map((i) => i.id));
  const out = m.consumers.find((c) => c.kind === 'output');
  return m.inputs.filter((i) => ownClock.has(i.id)).every((i) => i.locked) && out?.locked === true && load.stream.stats().connected;
}

it(`soak: ${cfg.minutes} min`, async () => {
  const wallStart = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-soak-'));
  const password = 'soak-pw';
  let jack: JackServer | null = null;
  let icecast: IcecastServer | null = null;
  let hog: Hog | null = null;
  let witnesses: Witness[] = [];
  let load: Load | null = null;
  try {
    jack = await startJack(cfg.sampleRate, cfg.periodFrames, undefined, { realtime: cfg.jackRealtime });
    icecast = await startIcecast({ sourcePassword: password, adminPassword: 'soak-admin' });
    hog = startHog();
    witnesses = startIdleWitnesses(hog.cpu);
    const witnessed = [hog, ...witnesses];
    load = buildLoad(cfg, {
      device: { name: 'system', hostApi: JACK },
      recordDir: dir,
      streamUrl: icecast.url(MOUNT),
      streamPassword: password,
    });
    const { mixer } = load;
    const xrunEvents: { atS: number; overUs: number; skippedCycles: number; atMs: number }[] = [];
    const deviceErrors: string[] = [];
    const recorder = new RecorderWatch(load);
    const feed = new PushFeed(load.push, cfg.sampleRate, cfg.pushLeadMs, cfg.pushEveryMs);
    const readers = new TapReaders(load.taps, mixer.channels, cfg.tapEveryMs);
    const automation = new FaderAutomation([...load.generators, ...load.push.map((p) => p.input)]);
    const listener = new StreamListener();
    const sampler = new Sampler(mixer, cfg.durationMs, cfg.pollHz, cfg.rssEveryMs);
    const jobs = new JobTimes(performance.now());
    mixer.on('xrun', (e) => {
      xrunEvents.push({ atS: round(sampler.elapsedMs() / 1000, 2), overUs: e.overUs, skippedCycles: e.skippedCycles, atMs: performance.now() });
      log(`xrun at ${round(sampler.elapsedMs() / 1000, 2)} s: ${e.overUs} µs over, ${e.skippedCycles} cycles skipped`);
    });
    mixer.on('deviceError', (e) => void deviceErrors.push(e.message));
    mixer.on('error', (e) => void deviceErrors.push(`poll: ${e.message}`));
    load.stream.on('error', (e) => void deviceErrors.push(`stream: ${e.message}`));
    log(`${cfg.minutes} min: ${GENERATORS} generators, ${PUSH_INPUTS} push inputs, 1 JACK capture; 2 taps, JACK output, FLAC, MP3 to icecast2; hog on cpu ${hog.cpu}`);

    collectGarbage();
    feed.start(jobs);
    mixer.start();
    sampler.start(jobs);
    readers.start(jobs);
    const setupS = (performance.now() - wallStart) / 1000;
    while (!ready(load, mixer.metrics())) {
      if (sampler.elapsedMs() > cfg.readyTimeoutMs) {
        const m = mixer.metrics();
        throw new Error(
          `not up after ${cfg.readyTimeoutMs / 1000} s: unlocked inputs ${m.inputs.filter((i) => !i.locked).map((i) => i.name).join(', ')}; ` +
            `output ${JSON.stringify(m.consumers.find((c) => c.kind === 'output'))}; stream ${load.stream.status}`,
        );
      }
      await sleep(50);
    }
    listener.start(icecast.url(MOUNT));
    const readyAfterMs = sampler.elapsedMs();
    const readyAtMs = performance.now();
    sampler.markReady();
    jobs.reset();
    const readySnap: Snapshot = snapshot(load, mixer.metrics(), recorder, jack.xruns());
    automation.start(jobs);
    log(`up after ${round(readyAfterMs / 1000, 2)} s (setup ${round(setupS, 1)} s); real-time priority: ${mixer.metrics().realtimePriority}`);

    let nextProgress = cfg.progressEveryMs;
    while (sampler.elapsedMs() < cfg.durationMs) {
      await sleep(Math.min(500, cfg.durationMs - sampler.elapsedMs()));
      if (sampler.elapsedMs() >= nextProgress) {
        nextProgress += cfg.progressEveryMs;
        const m = sampler.last();
        const lost = lossList(readySnap, snapshot(load, m, recorder, jack!.xruns()));
        const mem = process.memoryUsage.rss() / 2 ** 20;
        const frozen = gather(witnessed).filter((f) => f.atMs >= readyAtMs);
        log(
          `${round(sampler.elapsedMs() / 1000, 0)}/${cfg.durationMs / 1000} s: xruns ${m.xruns}, late max ${round(m.lateUs.max)} µs, ` +
            `losses ${lost.length ? lost.join(', ') : 'none'}, RSS ${round(mem)} MB, event loop max ${round(sampler.eventLoop().maxMs)} ms, steal ${round(sampler.steal().totalMs)} ms, ` +
            `host freezes ${frozen.length} (longest ${round(frozen.reduce((m, f) => Math.max(m, f.ms), 0))} ms)`,
        );
      }
    }
    const measuredS = (sampler.elapsedMs() - readyAfterMs) / 1000;
    const endMetrics = mixer.metrics();
    const endSnap = snapshot(load, endMetrics, recorder, jack.xruns());
    const streamStats = load.stream.stats();
    automation.stop();
    readers.stop();
    feed.stop();
    sampler.stop();
    listener.stop();
    await load.stream.stop();
    const rec = await load.recorder.stop();
    const runS = sampler.elapsedMs() / 1000;
    const freezes = gather(witnessed);
    const toS = (ms: number): number => (ms - (performance.now() - sampler.elapsedMs())) / 1000;
    await mixer.close();
    load = null;

    const { report, failures } = buildReport({
      cfg,
      setup: {
        sampleRate: cfg.sampleRate,
        periodFrames: cfg.periodFrames,
        clock: 'virtual',
        realtimePriority: endMetrics.realtimePriority,
        inputs: { generators: GENERATORS, push: PUSH_INPUTS, jackCapture: 1 },
        jack: { driver: 'dummy', periodFrames: cfg.periodFrames, realtime: cfg.jackRealtime },
        pushLeadMs: cfg.pushLeadMs,
        metricsPollHz: cfg.pollHz,
        hog: { cpu: hog.cpu, busyFraction: round(hog.busyFraction(), 2) },
        freezeWitnesses: [hog.cpu, ...witnesses.map((w) => w.cpu)],
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', loadAvg: os.loadavg().map((x) => round(x, 2)) },
        addon: buildInfo().version,
        setupS: round(setupS, 1),
      },
      readyAfterS: readyAfterMs / 1000,
      measuredS,
      ready: readySnap,
      end: endSnap,
      xrunEvents: xrunEvents.map(({ atMs, ...e }) => ({ ...e, hostFreezesMs: freezesNear(freezes, atMs).map((f) => f.ms) })),
      hostFreezes: freezeReport(freezes, readyAtMs, toS),
      deviceErrors,
      lateness: sampler.lateness(),
      cycleTime: sampler.cycleTime(),
      lateMeanSinceStartUs: endMetrics.lateUs.mean,
      polls: sampler.polls(),
      memory: memoryReport(cfg, sampler.memory()),
      eventLoop: sampler.eventLoop(),
      gc: sampler.gc(),
      taps: readers.stats(),
      push: feed.stats(),
      listener: listener.stats(),
      recording: {
        frames: rec.frames,
        dropouts: rec.dropouts,
        lostFrames: rec.lostFrames,
        files: rec.files.length,
        expectedFrames: Math.round(runS * cfg.sampleRate),
      },
      stream: {
        bytesSent: streamStats.bytesSent,
        framesEncoded: streamStats.framesEncoded,
        maxEncoderLagMs: round(streamStats.maxEncoderLagMs),
        expectedBytes: Math.round(((measuredS + readyAfterMs / 1000) * 128000) / 8),
      },
      steal: sampler.steal(),
      faderMoves: automation.moves,
      jobs: jobs.report(),
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    log(`${failures.length === 0 ? 'PASS' : 'FAIL'} in ${round((performance.now() - wallStart) / 1000, 1)} s wall`);
    expect(failures).toEqual([]);
  } finally {
    if (load) await load.mixer.close();
    await hog?.stop();
    await Promise.all(witnesses.map((w) => w.stop()));
    await icecast?.stop();
    await jack?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, cfg.durationMs + 180000);
