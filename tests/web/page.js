// page.js: load one page in Debian's headless Chromium, as a person's browser would, and report
// what came of it: the main document's HTTP status and title on stdout as JSON, a full-page
// PNG screenshot and the page's innerText. Node >= 18, no npm packages (axe-core only for --axe): Chromium is driven over
// --remote-debugging-pipe (the DevTools protocol on fds 3/4, as tests/bench/measure.js does), so
// no browser download and no open debugging port are needed.
//
//   node page.js --url URL [--header 'Name: value']... [--cookie name=value]...
//                [--width 390 --height 844] [--scale 1] [--screenshot out.png] [--text out.txt]
//                [--ignore-cert-errors | --ca-cert FILE] [--timeout-ms 30000] [--chromium PATH]
//                [--click SELECTOR]... [--fill SELECTOR=VALUE]... [--submit SELECTOR] [--axe]
//
// stdout: {"status":200,"title":"…","url":"final URL","redirects":[{"status":303,"url":…}],
//          "console":[messages at level warning/error, e.g. CSP violations],
//          "axe":[{"id","impact","help","nodes","targets"}, …] (with --axe)}
//
// Acting as a visitor, after the page has loaded and in the order given: --click clicks the
// first element matching a CSS selector (a label, a radio button), --fill sets a text field's
// value, --submit clicks and waits for the page that the click loads (a form's reply). Status,
// title, text and screenshot then describe that page. --axe runs axe-core
// (tests/web/node_modules, `npm ci --prefix tests/web`) on the final page and lists its
// violations; the caller judges their impact.
// Exit 0 when the page loaded (whatever its HTTP status: the caller judges it), 1 when it
// did not (DNS, TLS, timeout…; the reason is in "error"), 2 on bad arguments.
//
// HTTPS with a test CA: --ca-cert FILE checks the server's certificate chain and host name
// against FILE with Node's TLS first, then tells Chromium to accept exactly that server key
// (--ignore-certificate-errors-spki-list), so a wrong certificate still fails.
// --ignore-cert-errors accepts anything: for tests only. Widths under 600 px are emulated as a
// phone (mobile viewport, touch), so the page's viewport meta tag is honoured.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const tls = require('tls');
const { spawn } = require('child_process');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function usage(message) {
  if (message) process.stderr.write(`page.js: ${message}\n`);
  process.stderr.write('usage: node page.js --url URL [--header "Name: value"]... [--cookie name=value]... ' +
    '[--width 390 --height 844] [--scale 1] [--screenshot out.png] [--text out.txt] ' +
    '[--ignore-cert-errors | --ca-cert FILE] [--timeout-ms 30000] [--chromium PATH] ' +
    '[--click SELECTOR]... [--fill SELECTOR=VALUE]... [--submit SELECTOR] [--axe]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { headers: {}, cookies: [], actions: [], width: 1366, height: 900, scale: 1, timeoutMs: 30000, chromium: '/usr/bin/chromium' };
  const value = (i) => { if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`); return argv[i + 1]; };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--url': o.url = value(i++); break;
      case '--header': {
        const h = value(i++);
        const colon = h.indexOf(':');
        if (colon < 1) usage(`--header wants "Name: value", not ${JSON.stringify(h)}`);
        o.headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
        break;
      }
      case '--cookie': {
        const c = value(i++);
        const eq = c.indexOf('=');
        if (eq < 1) usage(`--cookie wants name=value, not ${JSON.stringify(c)}`);
        o.cookies.push({ name: c.slice(0, eq), value: c.slice(eq + 1) });
        break;
      }
      case '--width': o.width = Number(value(i++)); break;
      case '--height': o.height = Number(value(i++)); break;
      case '--scale': o.scale = Number(value(i++)); break;
      case '--screenshot': o.screenshot = value(i++); break;
      case '--text': o.text = value(i++); break;
      case '--ignore-cert-errors': o.ignoreCertErrors = true; break;
      case '--ca-cert': o.caCert = value(i++); break;
      case '--timeout-ms': o.timeoutMs = Number(value(i++)); break;
      case '--chromium': o.chromium = value(i++); break;
      case '--click': o.actions.push({ kind: 'click', selector: value(i++) }); break;
      case '--submit': o.actions.push({ kind: 'submit', selector: value(i++) }); break;
      case '--fill': {
        const f = value(i++);
        // The value starts at the first '=' after the selector's last ']', so attribute
        // selectors such as textarea[name="comment"] may be used.
        const eq = f.indexOf('=', f.lastIndexOf(']') + 1);
        if (eq < 1) usage(`--fill wants SELECTOR=VALUE, not ${JSON.stringify(f)}`);
        o.actions.push({ kind: 'fill', selector: f.slice(0, eq), value: f.slice(eq + 1) });
        break;
      }
      case '--axe': o.axe = true; break;
      case '--help': case '-h': usage(); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  if (!o.url) usage('--url is required');
  let url;
  try { url = new URL(o.url); } catch { usage(`--url ${JSON.stringify(o.url)} is not a URL`); }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) usage('--url must be http:, https: or file:');
  for (const k of ['width', 'height', 'scale', 'timeoutMs'])
    if (!(o[k] > 0) || !Number.isFinite(o[k])) usage(`--${k} must be a positive number`);
  if (o.ignoreCertErrors && o.caCert) usage('--ignore-cert-errors and --ca-cert exclude each other');
  if (o.caCert && url.protocol !== 'https:') usage('--ca-cert only makes sense for an https: URL');
  return o;
}

// Verifies the server's chain and name against the CA file; returns the base64 SHA-256 of
// the server certificate's SubjectPublicKeyInfo (the format Chromium's SPKI list wants).
function verifiedServerSpki(url, caFile, timeoutMs) {
  const ca = fs.readFileSync(caFile);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 443),
      servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname,
      ca,
      rejectUnauthorized: true,
    }, () => {
      const cert = socket.getPeerX509Certificate();
      socket.end();
      if (!cert) return reject(new Error('the server sent no certificate'));
      const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
      resolve(crypto.createHash('sha256').update(spki).digest('base64'));
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`TLS handshake timed out after ${timeoutMs} ms`)));
    socket.once('error', (e) => reject(new Error(`certificate check against ${caFile} failed: ${e.message}`)));
  });
}

// The DevTools protocol over the pipe: messages are JSON terminated by NUL.
class Cdp {
  constructor(child) {
    this.out = child.stdio[3];
    this.in = child.stdio[4];
    this.id = 0;
    this.pending = new Map();
    this.listeners = [];
    this.chunks = [];
    this.in.on('data', (d) => this.receive(d));
    this.in.on('error', () => {});
    this.out.on('error', () => {});
  }
  receive(data) {
    let start = 0;
    for (let z = data.indexOf(0); z >= 0; z = data.indexOf(0, start)) {
      this.chunks.push(data.subarray(start, z));
      const msg = JSON.parse(Buffer.concat(this.chunks).toString('utf8'));
      this.chunks = [];
      start = z + 1;
      if (msg.method) for (const l of this.listeners) l(msg);
      const p = msg.id !== undefined && this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p.resolve(msg.result);
      }
    }
    if (start < data.length) this.chunks.push(data.subarray(start));
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
  on(listener) { this.listeners.push(listener); }
  failAll(error) {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function run(o) {
  const url = new URL(o.url);
  const flags = [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions',
    '--disable-default-apps', '--disable-features=Translate,MediaRouter,OptimizationHints', '--password-store=basic',
    '--use-mock-keychain', '--hide-scrollbars', '--mute-audio', '--remote-debugging-pipe',
    `--window-size=${Math.round(o.width)},${Math.round(o.height)}`,
  ];
  if (o.ignoreCertErrors) flags.push('--ignore-certificate-errors');
  if (o.caCert) flags.push(`--ignore-certificate-errors-spki-list=${await verifiedServerSpki(url, o.caCert, o.timeoutMs)}`);

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-page-'));
  flags.push(`--user-data-dir=${userDataDir}`, 'about:blank');
  const child = spawn(o.chromium, flags, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { if (log.length < 20000) log += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
  child.once('error', (e) => { log += `\nspawn: ${e.message}`; });
  const cdp = new Cdp(child);
  exited.then((code) => cdp.failAll(new Error(`Chromium exited (${code}):\n${log.slice(-2000)}`)));

  const result = { status: null, title: '', url: o.url, redirects: [], console: [] };
  try {
    const deadline = Date.now() + o.timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());

    const { targetId } = await withTimeout(cdp.send('Target.createTarget', { url: 'about:blank' }), left(), 'Chromium start');
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
    const send = (method, params) => cdp.send(method, params, sessionId);

    // Events of this page only, kept until we know which load is ours (Page.navigate's loaderId
    // arrives after the first events of that load).
    const documents = [];  // {loaderId, redirect?, response?}
    const loads = new Set();  // loaderIds that reached the load event
    let onLoad = () => {};
    cdp.on((msg) => {
      if (msg.sessionId !== sessionId) return;
      const p = msg.params;
      if (msg.method === 'Network.requestWillBeSent' && p.type === 'Document' && p.redirectResponse)
        documents.push({ loaderId: p.loaderId, redirect: { status: p.redirectResponse.status, url: p.redirectResponse.url } });
      else if (msg.method === 'Network.responseReceived' && p.type === 'Document')
        documents.push({ loaderId: p.loaderId, response: p.response });
      else if (msg.method === 'Page.lifecycleEvent' && p.name === 'load' && p.frameId === targetId) {
        loads.add(p.loaderId);
        onLoad();
      } else if (msg.method === 'Log.entryAdded' && ['error', 'warning'].includes(p.entry.level))
        result.console.push(`${p.entry.level}: ${p.entry.text}`);
      else if (msg.method === 'Runtime.consoleAPICalled' && ['error', 'warning'].includes(p.type))
        result.console.push(`${p.type}: ${p.args.map((a) => a.value ?? a.description ?? '').join(' ')}`);
    });

    await send('Page.enable');
    await send('Page.setLifecycleEventsEnabled', { enabled: true });
    await send('Network.enable');
    await send('Log.enable');
    await send('Runtime.enable');
    if (Object.keys(o.headers).length) await send('Network.setExtraHTTPHeaders', { headers: o.headers });
    for (const c of o.cookies) {
      const ok = await send('Network.setCookie', { name: c.name, value: c.value, url: url.origin + '/' });
      if (ok && ok.success === false) throw new Error(`Chromium refused the cookie ${c.name}`);
    }
    const mobile = o.width < 600;
    await send('Emulation.setDeviceMetricsOverride', {
      width: Math.round(o.width), height: Math.round(o.height), deviceScaleFactor: o.scale, mobile,
    });
    if (mobile) await send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });

    const nav = await withTimeout(send('Page.navigate', { url: o.url }), left(), 'navigation');
    if (nav.errorText) throw new Error(`navigation failed: ${nav.errorText}`);
    await withTimeout(new Promise((resolve) => {
      onLoad = () => { if (loads.has(nav.loaderId)) resolve(); };
      onLoad();
    }), left(), 'load event');
    // Give late layout (fonts) two frames to settle.
    const settle = () => send('Runtime.evaluate', {
      expression: 'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))', awaitPromise: true,
    });
    await settle();

    let loaderId = nav.loaderId;
    for (const action of o.actions) {
      const before = new Set(loads);
      const target = `document.querySelector(${JSON.stringify(action.selector)})`;
      const body = action.kind === 'fill'
        ? `e.value = ${JSON.stringify(action.value)}; e.dispatchEvent(new Event('input', { bubbles: true }));`
        : 'e.click();';
      const done = await send('Runtime.evaluate', {
        expression: `(() => { const e = ${target}; if (!e) return false; ${body} return true; })()`, returnByValue: true,
      });
      if (!done.result.value) throw new Error(`--${action.kind}: nothing matches ${action.selector}`);
      if (action.kind !== 'submit') continue;
      loaderId = await withTimeout(new Promise((resolve) => {
        onLoad = () => { for (const id of loads) if (!before.has(id)) resolve(id); };
        onLoad();
      }), left(), `the page after --submit ${action.selector}`);
      await settle();
    }

    for (const d of documents.filter((x) => x.loaderId === loaderId)) {
      if (d.redirect) result.redirects.push(d.redirect);
      if (d.response) {
        result.status = d.response.status;
        result.url = d.response.url;
      }
    }
    const page = await send('Runtime.evaluate', {
      expression: '({ title: document.title, text: document.body ? document.body.innerText : "" })', returnByValue: true,
    });
    result.title = page.result.value.title;
    if (o.text) fs.writeFileSync(o.text, page.result.value.text);

    if (o.axe) {
      // Evaluated through the DevTools protocol, which the page's CSP does not govern.
      const source = fs.readFileSync(require.resolve('axe-core/axe.min.js', { paths: [__dirname] }), 'utf8');
      await send('Runtime.evaluate', { expression: source });
      const axe = await withTimeout(send('Runtime.evaluate', {
        expression: `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
          targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`,
        awaitPromise: true, returnByValue: true,
      }), left(), 'axe-core');
      if (axe.exceptionDetails) throw new Error(`axe-core failed: ${axe.exceptionDetails.text}`);
      result.axe = axe.result.value;
    }

    if (o.screenshot) {
      const m = await send('Page.getLayoutMetrics');
      const size = m.cssContentSize || m.contentSize;
      const width = Math.max(Math.ceil(size.width), Math.round(o.width));
      const height = Math.max(Math.ceil(size.height), Math.round(o.height));
      const shot = await withTimeout(send('Page.captureScreenshot', {
        format: 'png', captureBeyondViewport: true, fromSurface: true, clip: { x: 0, y: 0, width, height, scale: 1 },
      }), left(), 'screenshot');
      fs.writeFileSync(o.screenshot, Buffer.from(shot.data, 'base64'));
    }
    return result;
  } finally {
    await withTimeout(cdp.send('Browser.close'), 5000, 'Browser.close').catch(() => {});
    const gone = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!gone) child.kill('SIGKILL');
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  try {
    const result = await run(o);
    process.stdout.write(JSON.stringify(result) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ status: null, error: e.message }) + '\n');
    process.exitCode = 1;
  }
}

main();
