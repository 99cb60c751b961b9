// measure.js: process-level measurements for kiosk_vs_chromium.sh (start to first frame, idle CPU, memory; Chromium frame time over a CDP pipe) and the final side-by-side report. Node >= 18, no npm packages.
//
//   node measure.js kiosk    --binary B --config C --size WxH --starts N --idle S          > kiosk.json
//   node measure.js chromium --chromium B --page FILE --size WxH --starts N --idle S --frames N > chromium.json
//   node measure.js report   --kiosk kiosk.json --chromium chromium.json --frames frame_bench.txt
//
// Both programs run on the X display in $DISPLAY (the caller starts Xvfb). Process figures are read
// from /proc: CPU as utime+stime (/proc/PID/stat, clock ticks) and, more finely,
// se.sum_exec_runtime of every live thread (/proc/PID/task/TID/sched); memory as VmRSS/VmHWM
// (/proc/PID/status) and Pss (/proc/PID/smaps_rollup). Chromium is driven with
// --remote-debugging-pipe (the DevTools protocol on fds 3/4), so no browser download, no
// playwright and no open port are needed.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const TICK_MS = 10; // /proc reports times in USER_HZ, which is 100 on Linux
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowMs = () => Number(process.hrtime.bigint()) / 1e6; // CLOCK_MONOTONIC
const epochMs = () => performance.timeOrigin + performance.now(); // wall clock, sub-ms

function args(argv) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) out[argv[i].slice(2)] = argv[++i];
    else out._.push(argv[i]);
  }
  return out;
}

function median(v) { return percentile(v, 50); }
function percentile(v, p) {
  if (!v.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length)); // nearest rank, as frame_bench
  return s[Math.min(rank, s.length) - 1];
}

// ---------------------------------------------------------------- /proc readers

function readFile(p) { try { return fs.readFileSync(p, 'utf8'); } catch { return null; } }

function parentOf(pid) {
  const stat = readFile(`/proc/${pid}/stat`);
  if (!stat) return null;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

// The root, its descendants, and every process whose command line holds `marker` (Chromium's
// unique --user-data-dir: catches helpers that were re-parented away from the browser).
function processSet(rootPid, marker) {
  const pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const parent = new Map(pids.map((p) => [p, parentOf(p)]));
  const set = new Set();
  for (const p of pids) {
    let q = p;
    for (let depth = 0; q && depth < 64; depth++) {
      if (q === rootPid) { set.add(p); break; }
      q = parent.get(q);
    }
    if (marker && !set.has(p)) {
      const cmd = readFile(`/proc/${p}/cmdline`);
      if (cmd && cmd.includes(marker)) set.add(p);
    }
  }
  return [...set].filter((p) => readFile(`/proc/${p}/stat`) !== null).sort((a, b) => a - b);
}

function cpuTicks(pid) {
  const stat = readFile(`/proc/${pid}/stat`);
  if (!stat) return null;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
}

// ns of CPU per live thread, keyed "pid/tid".
function threadRuntimes(pid, into) {
  let tids = [];
  try { tids = fs.readdirSync(`/proc/${pid}/task`); } catch { return; }
  for (const tid of tids) {
    const s = readFile(`/proc/${pid}/task/${tid}/sched`);
    const m = s && s.match(/se\.sum_exec_runtime\s*:\s*([\d.]+)/);
    if (m) into.set(`${pid}/${tid}`, Number(m[1]));
  }
}

function status(pid) {
  const s = readFile(`/proc/${pid}/status`) || '';
  const kb = (k) => { const m = s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm')); return m ? Number(m[1]) : 0; };
  const n = (k) => { const m = s.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')); return m ? Number(m[1]) : 0; };
  const roll = readFile(`/proc/${pid}/smaps_rollup`) || '';
  const pss = roll.match(/^Pss:\s+(\d+) kB/m);
  return {
    rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), pssKb: pss ? Number(pss[1]) : 0,
    wakeups: n('voluntary_ctxt_switches') + n('nonvoluntary_ctxt_switches'),
  };
}

function memory(pids) {
  const per = pids.map((p) => ({ pid: p, ...status(p) }));
  const sum = (k) => per.reduce((a, x) => a + x[k], 0) / 1024;
  return { processes: per.length, rssMb: sum('rssKb'), hwmMb: sum('hwmKb'), pssMb: sum('pssKb'), per };
}

// Samples every `everyMs` until stop() and keeps the maximum of the summed PSS and RSS.
function peakSampler(getPids, everyMs) {
  let peakPss = 0, peakRss = 0, samples = 0, running = true;
  const loop = (async () => {
    while (running) {
      const m = memory(getPids());
      peakPss = Math.max(peakPss, m.pssMb); peakRss = Math.max(peakRss, m.rssMb); samples++;
      await sleep(everyMs);
    }
  })();
  return { async stop() { running = false; await loop; return { peakPssMb: peakPss, peakRssMb: peakRss, samples, everyMs }; } };
}

// CPU used by a set of processes over `seconds` of doing nothing; memory at the end.
async function idleWindow(getPids, seconds) {
  const pids0 = getPids();
  const ticks0 = new Map(pids0.map((p) => [p, cpuTicks(p)]));
  const rt0 = new Map(); pids0.forEach((p) => threadRuntimes(p, rt0));
  const wake0 = new Map(pids0.map((p) => [p, status(p).wakeups]));
  const t0 = nowMs();
  await sleep(seconds * 1000);
  const wall = nowMs() - t0;
  const pids1 = getPids();
  let ticks = 0, runtime = 0, wakeups = 0;
  for (const p of pids1) {
    const t = cpuTicks(p);
    if (t !== null) ticks += t - (ticks0.get(p) ?? 0); // a process born in the window counts from 0
    wakeups += status(p).wakeups - (wake0.get(p) ?? 0);
  }
  const rt1 = new Map(); pids1.forEach((p) => threadRuntimes(p, rt1));
  for (const [k, v] of rt1) runtime += v - (rt0.get(k) ?? 0);
  return {
    seconds: wall / 1000,
    processesAtStart: pids0.length, processesAtEnd: pids1.length,
    cpuPercentTicks: (ticks * TICK_MS) / wall * 100,
    cpuMsTicks: ticks * TICK_MS,
    cpuPercentSched: runtime / wall * 100, // live threads only
    cpuMsSched: runtime,
    wakeupsPerSecond: wakeups / (wall / 1000),
    memory: memory(pids1),
  };
}

async function waitExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return Promise.race([new Promise((r) => child.once('exit', () => r(true))), sleep(ms).then(() => false)]);
}

// ---------------------------------------------------------------- the kiosk

async function kioskLaunch(o) {
  const argv = ['--config', o.config, '--windowed', o.size];
  const t0 = nowMs();
  const child = spawn(o.binary, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const firstFrame = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "first frame" line within 20 s:\n${err}`)), 20000);
    child.stderr.on('data', (d) => {
      const tRead = nowMs();
      err += d;
      const m = err.match(/first frame after (\d+) ms/);
      if (m) { clearTimeout(timer); resolve({ execToFrameMs: tRead - t0, mainToFrameMs: Number(m[1]) }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`kiosk exited (${code}) before its first frame:\n${err}`)); });
  });
  return { child, firstFrame, stderr: () => err };
}

async function kioskCommand(o) {
  const starts = [];
  for (let i = 0; i < Number(o.starts); i++) {
    const { child, firstFrame } = await kioskLaunch(o);
    starts.push(firstFrame);
    child.kill('SIGTERM');
    if (!(await waitExit(child, 5000))) child.kill('SIGKILL');
    await sleep(300);
  }
  // The measured run: start, let it settle, then sit idle.
  const run = await kioskLaunch(o);
  const pid = run.child.pid;
  await sleep(2000);
  const idle = await idleWindow(() => processSet(pid, null), Number(o.idle));
  const final = status(pid);
  run.child.kill('SIGTERM');
  const clean = await waitExit(run.child, 5000);
  if (!clean) run.child.kill('SIGKILL');
  return {
    command: `${o.binary} --config ${o.config} --windowed ${o.size}`,
    starts,
    startExecToFrameMedianMs: median(starts.map((s) => s.execToFrameMs)),
    startMainToFrameMedianMs: median(starts.map((s) => s.mainToFrameMs)),
    idle,
    peakRssMb: final.hwmKb / 1024, // VmHWM: the kernel's exact peak RSS since exec
    steadyRssMb: idle.memory.rssMb,
    steadyPssMb: idle.memory.pssMb,
    exitedOnSigterm: clean && run.child.exitCode === 0,
  };
}

// ---------------------------------------------------------------- Chromium over a CDP pipe

class Cdp {
  constructor(child) {
    this.out = child.stdio[3];
    this.in = child.stdio[4];
    this.id = 0;
    this.pending = new Map();
    this.handlers = new Map(); // event method -> function(params)
    this.buffer = '';
    this.in.on('data', (d) => {
      this.buffer += d.toString('utf8');
      let z;
      while ((z = this.buffer.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, z));
        this.buffer = this.buffer.slice(z + 1);
        if (msg.method) (this.handlers.get(msg.method) || (() => {}))(msg.params);
        const p = msg.id !== undefined && this.pending.get(msg.id);
        if (p) {
          this.pending.delete(msg.id);
          if (msg.error) p.reject(new Error(`${p.method}: ${JSON.stringify(msg.error)}`));
          else p.resolve(msg.result);
        }
      }
    });
    this.in.on('error', () => {});
    this.out.on('error', () => {});
  }
  send(method, params = {}, sessionId) {
    const id = ++this.id;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.out.write(JSON.stringify(msg) + '\0');
    });
  }
  async evaluate(sessionId, expression, awaitPromise = false) {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise }, sessionId);
    if (r.exceptionDetails) throw new Error(`page: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  }
}

// Flags: what a kiosk deployment would use, plus what this sandbox needs
// (see .library/env/machines/cpp.md): root => --no-sandbox, no GPU, closed network.
function chromiumFlags(o, userDataDir, extra) {
  const [w, h] = o.size.split('x');
  return [
    '--kiosk', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--no-default-browser-check', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-features=Translate', '--password-store=basic',
    '--window-position=0,0', `--window-size=${w},${h}`,
    `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe',
    ...extra,
    `file://${path.resolve(o.page)}`,
  ];
}

async function chromiumLaunch(o, extra = [], sampler = false) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-bench-chromium-'));
  const flags = chromiumFlags(o, userDataDir, extra);
  const spawnEpoch = epochMs();
  const t0 = nowMs();
  const child = spawn(o.chromium, flags, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { if (log.length < 20000) log += d; });
  const pids = () => processSet(child.pid, userDataDir);
  const peak = sampler ? peakSampler(pids, 100) : null;
  const cdp = new Cdp(child);
  const exited = new Promise((r) => child.once('exit', (code, sig) => r(`${code ?? sig}`)));

  // Find the page target, attach, and read its paint timings once they exist.
  let sessionId = null;
  const deadline = t0 + 30000;
  while (!sessionId) {
    if (nowMs() > deadline) throw new Error(`Chromium showed no page within 30 s:\n${log}`);
    const race = await Promise.race([cdp.send('Target.getTargets').catch(() => null), exited.then((c) => ({ exited: c }))]);
    if (race && race.exited) throw new Error(`Chromium exited (${race.exited}):\n${log}`);
    const page = race && race.targetInfos.find((t) => t.type === 'page' && t.url.startsWith('file:'));
    if (page) sessionId = (await cdp.send('Target.attachToTarget', { targetId: page.targetId, flatten: true })).sessionId;
    else await sleep(20);
  }
  let paint = null;
  while (!paint) {
    if (nowMs() > deadline) throw new Error(`no first-contentful-paint within 30 s:\n${log}`);
    paint = await cdp.evaluate(sessionId, `(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const fp = performance.getEntriesByName('first-paint')[0];
      return fcp ? { origin: performance.timeOrigin, fcp: fcp.startTime, fp: fp ? fp.startTime : null,
                     w: innerWidth, h: innerHeight, dpr: devicePixelRatio } : null; })()`);
    if (!paint) await sleep(50);
  }
  const firstFrame = {
    execToFcpMs: paint.origin + paint.fcp - spawnEpoch,
    execToNavigationStartMs: paint.origin - spawnEpoch,
    navigationToFcpMs: paint.fcp,
    viewport: `${paint.w}x${paint.h}@${paint.dpr}`,
  };
  const close = async () => {
    await cdp.send('Browser.close').catch(() => {});
    if (!(await waitExit(child, 10000))) child.kill('SIGKILL');
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { child, cdp, sessionId, firstFrame, pids, peak, close, flags, userDataDir };
}

// rAF-to-rAF intervals while every frame changes something: `face` moves the highlight to the
// next face (a small damaged area), `page` flips the page background (the whole 1920x1080 is
// repainted, as the kiosk repaints every frame). Run with the frame-rate limit off, so an
// interval is how long Chromium's pipeline needs per frame, not the 60 Hz vsync period.
async function frameTimes(cdp, sessionId, mode, frames) {
  return cdp.evaluate(sessionId, `new Promise((resolve) => {
    const faces = [...document.querySelectorAll('.face')];
    const warmup = 30, want = ${frames}, out = [];
    let i = 0, last = 0;
    function step() {
      const t = performance.now();
      if (last && i > warmup) out.push(t - last);
      last = t;
      if (out.length >= want) {
        faces.forEach((f) => f.classList.remove('selected')); document.body.classList.remove('alt');
        return resolve(out);
      }
      if (${JSON.stringify(mode)} === 'face') { faces.forEach((f) => f.classList.remove('selected')); faces[i % 5].classList.add('selected'); }
      else document.body.classList.toggle('alt');
      i++;
      requestAnimationFrame(step);
    }
    requestAnimationFrame(step);
  })`, true);
}

// The full-page repaint loop again, under a DevTools trace of the `viz` and `benchmark`
// categories, which gives what JavaScript cannot see:
//  - cc's PipelineReporter: one async event per compositor frame, from its begin-frame to its
//    presentation, with its fate (STATE_PRESENTED_ALL, ..._PARTIAL, STATE_DROPPED) and whether
//    it carried a main-thread (rAF) update. The page's frames are the presented-in-full frames
//    with a main-thread update: the interval between their presentations is the frame time a
//    viewer gets, the event's length is begin-frame -> on screen;
//  - viz's Display::DrawAndSwap: the software compositor drawing a frame and handing it to X.
async function tracedFrames(cdp, sessionId, frames) {
  const events = [];
  let complete;
  const completed = new Promise((r) => (complete = r));
  cdp.handlers.set('Tracing.dataCollected', (p) => {
    for (const e of p.value) {
      if ((e.name === 'Display::DrawAndSwap' && e.ph === 'X') || (e.name === 'PipelineReporter' && (e.ph === 'b' || e.ph === 'e')))
        events.push(e);
    }
  });
  cdp.handlers.set('Tracing.tracingComplete', () => complete());
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['viz', 'benchmark'] }, transferMode: 'ReportEvents' });
  const raf = await frameTimes(cdp, sessionId, 'page', frames);
  await cdp.send('Tracing.end');
  await Promise.race([completed, sleep(30000)]);

  // Trace times are µs on one clock. Pair each reporter's begin and end by process and id
  // (ids are reused, so in order).
  events.sort((a, b) => a.ts - b.ts);
  const openById = new Map();
  const reports = [];
  for (const e of events.filter((x) => x.name === 'PipelineReporter')) {
    const key = `${e.pid}:${e.id2?.local ?? e.id2?.global ?? e.id}`;
    if (e.ph === 'b') {
      if (!openById.has(key)) openById.set(key, []);
      openById.get(key).push(e);
    } else {
      const b = (openById.get(key) || []).shift();
      const fr = b && b.args && b.args.frame_reporter;
      if (fr) reports.push({ pid: b.pid, state: fr.state, main: fr.has_main_animation, begin: b.ts / 1000, end: e.ts / 1000 });
    }
  }
  // The page's renderer is the process whose frames carry main-thread updates.
  const count = new Map();
  for (const r of reports) if (r.main) count.set(r.pid, (count.get(r.pid) || 0) + 1);
  const pagePid = [...count].sort((a, b) => b[1] - a[1])[0]?.[0];
  const page = reports.filter((r) => r.pid === pagePid && r.main);
  const shown = page.filter((r) => r.state === 'STATE_PRESENTED_ALL');
  const presentedAt = [...new Set(shown.map((r) => r.end))].sort((a, b) => a - b);
  const intervals = presentedAt.slice(1).map((t, k) => t - presentedAt[k]);
  const latency = shown.map((r) => r.end - r.begin);
  const draws = events.filter((e) => e.name === 'Display::DrawAndSwap').map((e) => e.dur / 1000);
  const stats = (v) => ({ medianMs: median(v), p99Ms: percentile(v, 99), maxMs: percentile(v, 100) });
  return {
    rafFrames: raf.length,
    mainFrames: page.length,
    presentedFrames: presentedAt.length,
    droppedFrames: page.filter((r) => r.state === 'STATE_DROPPED').length,
    partialFrames: page.filter((r) => r.state === 'STATE_PRESENTED_PARTIAL').length,
    interval: stats(intervals),
    latency: stats(latency),
    drawAndSwap: { draws: draws.length, ...stats(draws) },
  };
}

async function chromiumCommand(o) {
  const starts = [];
  for (let i = 0; i < Number(o.starts); i++) {
    const run = await chromiumLaunch(o);
    starts.push({ ...run.firstFrame, processes: run.pids().length });
    await run.close();
    await sleep(300);
  }

  // Frame time: its own instance, with the frame-rate limit off.
  const unthrottled = ['--disable-frame-rate-limit', '--disable-gpu-vsync'];
  const fr = await chromiumLaunch(o, unthrottled);
  await sleep(1000);
  const frames = {};
  for (const mode of ['page', 'face']) {
    const v = await frameTimes(fr.cdp, fr.sessionId, mode, Number(o.frames));
    frames[mode] = { frames: v.length, medianMs: median(v), p99Ms: percentile(v, 99), maxMs: percentile(v, 100) };
  }
  frames.traced = await tracedFrames(fr.cdp, fr.sessionId, Number(o.frames));
  await fr.close();
  await sleep(500);
  // And at the normal 60 Hz limit, as a visitor would see it.
  const fr60run = await chromiumLaunch(o);
  await sleep(1000);
  frames.traced60 = await tracedFrames(fr60run.cdp, fr60run.sessionId, Number(o.frames));
  await fr60run.close();
  await sleep(500);

  // The measured run: start with memory sampled every 100 ms, settle, detach, sit idle.
  const run = await chromiumLaunch(o, [], true);
  const startProcesses = run.pids().length;
  await sleep(3000);
  await run.cdp.send('Target.detachFromTarget', { sessionId: run.sessionId }).catch(() => {});
  const peak = await run.peak.stop();
  await sleep(1000);
  const idle = await idleWindow(run.pids, Number(o.idle));
  const flags = run.flags.map((f) => (f.startsWith('--user-data-dir=') ? '--user-data-dir=$(mktemp -d)' : f));
  // Chromium rewrites its process titles into one line, so read the flags with patterns.
  const processKinds = idle.memory.per.map((p) => {
    const cmd = (readFile(`/proc/${p.pid}/cmdline`) || '').replace(/\0/g, ' ');
    const type = cmd.match(/--type=(\S+)/);
    const sub = cmd.match(/--utility-sub-type=(\S+)/);
    if (!type) return 'browser';
    return sub ? `${type[1]} (${sub[1].replace(/\.mojom\.\w+$/, '')})` : type[1];
  });
  await run.close();
  return {
    command: `${o.chromium} ${flags.join(' ')}`,
    frameFlags: unthrottled.join(' '),
    starts,
    startExecToFcpMedianMs: median(starts.map((s) => s.execToFcpMs)),
    startExecToNavigationMedianMs: median(starts.map((s) => s.execToNavigationStartMs)),
    frames,
    startProcesses,
    peak,
    idle,
    steadyPssMb: idle.memory.pssMb,
    steadyRssMb: idle.memory.rssMb,
    processKinds,
  };
}

// ---------------------------------------------------------------- the report

function reportCommand(o) {
  const k = JSON.parse(fs.readFileSync(o.kiosk, 'utf8'));
  const c = JSON.parse(fs.readFileSync(o.chromium, 'utf8'));
  const fb = {};
  for (const line of fs.readFileSync(o.frames, 'utf8').split('\n')) {
    if (!line.startsWith('RESULT ')) continue;
    const kv = Object.fromEntries(line.slice(7).split(' ').map((x) => x.split('=')));
    fb[kv.driver] = kv;
  }
  const fx = fb.x11 || fb.offscreen;
  const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
  const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
  const goal = (value, limit) => (Number.isFinite(value) ? (value <= limit ? 'PASS' : 'MISS') : 'n/a');

  const rows = [];
  const row = (metric, kiosk, chromium, goalText = '', verdict = '') => rows.push([metric, kiosk, chromium, goalText, verdict]);
  row('start -> first frame, median (ms)', f1(k.startExecToFrameMedianMs), f1(c.startExecToFcpMedianMs), '<= 100', goal(k.startExecToFrameMedianMs, 100));
  row('  (kiosk: from main(); Chromium: exec -> navigation start)', f1(k.startMainToFrameMedianMs), f1(c.startExecToNavigationMedianMs),
    '<= 100', goal(k.startMainToFrameMedianMs, 100));
  if (fb.offscreen) row('frame median, offscreen driver (ms)', f2(Number(fb.offscreen.median_ms)), '-');
  if (fb.offscreen) row('frame p99, offscreen driver (ms)', f2(Number(fb.offscreen.p99_ms)), '-');
  const tr = c.frames.traced, t60 = c.frames.traced60;
  const mp = (x) => `${f2(x.medianMs)} / ${f2(x.p99Ms)}`;
  const kioskFrame = `${f2(Number(fx?.median_ms))} / ${f2(Number(fx?.p99_ms))}`;
  row('frame median, X11, full repaint (ms)', f2(Number(fx?.median_ms)), f2(t60.interval.medianMs));
  row('frame p99, X11, full repaint (ms)', f2(Number(fx?.p99_ms)), f2(t60.interval.p99Ms), '<= 16', goal(Number(fx?.p99_ms), 16));
  row('frame max, X11, full repaint (ms)', f2(Number(fx?.max_ms)), f2(t60.interval.maxMs));
  row('raster+present median / p99, X11 (ms)', `${f2(Number(fx?.present_median_ms))} / ${f2(Number(fx?.present_p99_ms))}`, mp(t60.drawAndSwap));
  row('frame start -> on screen, median / p99 (ms)', kioskFrame, mp(t60.latency));
  row('kiosk CPU time per frame, median / p99 (ms)', `${f2(Number(fx?.cpu_median_ms))} / ${f2(Number(fx?.cpu_p99_ms))}`, '-');
  row('frame-rate limit off: frame median / p99 (ms)', '(no limit)', mp(tr.interval));
  row('frame-rate limit off: start -> on screen (ms)', '(no limit)', mp(tr.latency));
  row('limit off, rAF-to-rAF, full repaint (ms)', '-', mp(c.frames.page));
  row('limit off, rAF-to-rAF, small change (ms)', '(always full)', mp(c.frames.face));
  row(`idle CPU over ${Math.round(k.idle.seconds)} s (% of a core)`, f3(k.idle.cpuPercentTicks), f3(c.idle.cpuPercentTicks), '<= 0.1', goal(k.idle.cpuPercentTicks, 0.1));
  row('  same, from thread run times (%)', f3(k.idle.cpuPercentSched), f3(c.idle.cpuPercentSched));
  row('  wake-ups per second while idle', f1(k.idle.wakeupsPerSecond), f1(c.idle.wakeupsPerSecond));
  row('processes', String(k.idle.processesAtEnd), String(c.idle.processesAtEnd));
  row('peak memory (MB)', `${f1(k.peakRssMb)} RSS`, `${f1(c.peak.peakPssMb)} PSS`);
  row('steady memory, RSS (MB)', f1(k.steadyRssMb), `${f1(c.steadyRssMb)} (sum)`, '<= 40', goal(k.steadyRssMb, 40));
  row('steady memory, PSS (MB)', f1(k.steadyPssMb), `${f1(c.steadyPssMb)} (sum)`);

  const head = ['', 'otklik-kiosk', 'Chromium --kiosk', 'kiosk goal', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) => r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ').trimEnd();
  const line = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  console.log(fmt(head));
  console.log(line);
  rows.forEach((r) => console.log(fmt(r)));
  console.log(line);
  console.log(`Start: median of ${k.starts.length} kiosk starts (${k.starts.map((s) => f1(s.execToFrameMs)).join(', ')} ms) and ` +
    `${c.starts.length} Chromium starts (${c.starts.map((s) => f1(s.execToFcpMs)).join(', ')} ms).`);
  console.log(`Chromium processes: ${c.processKinds.join(', ')}.`);
  console.log(`Chromium viewport ${c.starts[0]?.viewport}; peak = max of summed PSS sampled every ${c.peak.everyMs} ms over the first ` +
    `${c.peak.samples} samples (summed RSS peak ${f1(c.peak.peakRssMb)} MB, counts shared pages once per process).`);
  console.log(`Kiosk frame = KioskApp::drawFrame() (build + rasterise + present, synchronous, so it is also ` +
    `frame start -> on screen). Chromium frame = interval between presentations of frames that carry the page's ` +
    `change (cc PipelineReporter presented in full, main-thread update), at Chromium's normal 60 Hz: ` +
    `${t60.presentedFrames} such frames for ${t60.rafFrames} timed + 30 warm-up rAF callbacks ` +
    `(limit off: ${tr.presentedFrames} for ${tr.rafFrames} + 30). Chromium raster+present = viz ` +
    `Display::DrawAndSwap (${t60.drawAndSwap.draws} draws: the software compositor draws the frame and hands it ` +
    `to X; tile raster runs before it on other threads).`);
  console.log(`Kiosk exited cleanly on SIGTERM: ${k.exitedOnSigterm ? 'yes' : 'NO'}.`);
}

// ---------------------------------------------------------------- main

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  const o = args(rest);
  o.size = o.size || '1920x1080';
  if (cmd === 'kiosk') console.log(JSON.stringify(await kioskCommand(o), null, 1));
  else if (cmd === 'chromium') console.log(JSON.stringify(await chromiumCommand(o), null, 1));
  else if (cmd === 'report') reportCommand(o);
  else { console.error('usage: node measure.js kiosk|chromium|report ... (see the top of this file)'); process.exit(2); }
}

if (require.main === module) main().catch((e) => { console.error(`measure.js: ${e.stack || e}`); process.exit(1); });
module.exports = { chromiumLaunch, frameTimes, tracedFrames, processSet, memory, idleWindow, median, percentile, sleep };
