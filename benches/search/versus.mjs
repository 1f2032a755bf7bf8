// Cookbook's search against Pagefind's on the same built site, in headless Chromium:
// `node benches/search/versus.mjs SITE_DIR "shm size"` (run by `search-bench`).
// Runs Pagefind (PyPI `pagefind-bin`; or $PAGEFIND) over SITE_DIR's HTML, serves SITE_DIR
// over plain HTTP (no compression, no cache: each measurement is a fresh browser), and for
// each side sums the bytes its client fetched for the query: the bodies the server sent (the
// page's performance.getEntriesByType('resource') agrees for cookbook, but misses the requests
// of Pagefind's Web Worker).
// Pasted: the whole query once. Typed: the query as a person types it, pausing at each word's
// end ("shm", then "shm size"). Cookbook is driven through its search box (the 180 ms
// debounce and all); Pagefind through its JS API (`pagefind.js`: search, then `data()` of the
// top 5 results, as its UI shows 5). Both counts include the client itself.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn, spawnSync } from 'node:child_process';

const [site, query = 'shm size'] = process.argv.slice(2);
const pagefindBin = process.env.PAGEFIND || (() => {
  const r = spawnSync('python3', ['-c', 'import pagefind_bin; print(pagefind_bin.get_executable())']);
  if (r.status !== 0) throw new Error('no Pagefind: `pip install pagefind-bin` or set PAGEFIND');
  return r.stdout.toString().trim();
})();

// Pagefind indexes what cookbook's index holds: each page's <article> (not the sidebar), and
// the book's pages only: not print.html (every page again), the 404 page or the TOC.
fs.rmSync(path.join(site, 'pagefind'), { recursive: true, force: true });
const aside = ['print.html', '404.html', 'toc.html'].map((f) => path.join(site, f)).filter((f) => fs.existsSync(f));
for (const f of aside) fs.renameSync(f, f + '.aside');
const t0 = performance.now();
const pf = spawnSync(pagefindBin, ['--site', site, '--root-selector', 'article', '--quiet']);
const pfSecs = (performance.now() - t0) / 1e3;
for (const f of aside) fs.renameSync(f + '.aside', f);
if (pf.status !== 0) throw new Error('pagefind failed: ' + pf.stderr);
const files = (dir) => fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
const size = (list) => list.reduce((a, f) => a + fs.statSync(f).size, 0);
// Pagefind's index: its data files (entry, meta, index and fragment chunks, filters, wasm),
// not its optional UI bundles (pagefind-*ui.js/css).
const pfIndex = size(files(path.join(site, 'pagefind')).filter((f) => !/pagefind-.*(ui|highlight)/.test(path.basename(f))));
const cbFiles = files(path.join(site, 'search'));
const cbIndex = size(cbFiles), cbIndexGz = cbFiles.reduce((a, f) => a + zlib.gzipSync(fs.readFileSync(f)).length, 0);

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };
let served = [];
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]);
  if (url === '/blank.html') return res.end('<!doctype html><title>bench</title>');
  const file = path.join(site, path.normalize(url).replace(/^(\.\.[/\\])+/, ''));
  fs.readFile(file.endsWith('/') ? file + 'index.html' : file, (err, body) => {
    if (err) { res.statusCode = 404; return res.end(); }
    res.setHeader('content-type', types[path.extname(file)] || 'application/octet-stream');
    res.setHeader('cache-control', 'no-store');
    served.push([url, body.length]);
    res.end(body);
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

// WebDriver over plain HTTP: chromedriver, one fresh browser per measurement.
const driverPort = 9500 + Math.floor(Math.random() * 400);
const driver = spawn(process.env.CHROMEDRIVER || '/usr/bin/chromedriver', [`--port=${driverPort}`], { stdio: 'ignore' });
const wd = async (method, url, body) => {
  const r = await fetch(`http://127.0.0.1:${driverPort}${url}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const j = await r.json();
  if (j.value?.error) throw new Error(`${url}: ${j.value.message}`);
  return j.value;
};
for (const deadline = Date.now() + 10e3; ;) {
  try { await wd('GET', '/status'); break; } catch (e) { if (Date.now() > deadline) throw e; await new Promise((r) => setTimeout(r, 100)); }
}
const measure = async (page, script, queries) => {
  const args = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,900'];
  const s = await wd('POST', '/session', { capabilities: { alwaysMatch: { 'goog:chromeOptions': { binary: process.env.CHROMIUM || '/usr/bin/chromium', args } } } });
  const id = s.sessionId;
  served = [];
  try {
    await wd('POST', `/session/${id}/timeouts`, { script: 120e3 });
    await wd('POST', `/session/${id}/url`, { url: base + page });
    const r = await wd('POST', `/session/${id}/execute/async`, { script, args: [queries] });
    // Counted where they are served: Pagefind fetches its index from a Web Worker, whose
    // requests the page's performance entries do not list.
    const files = served.filter(([p]) => /^\/(pagefind\/|search\/|search\.js$)/.test(p));
    return { ...r, files, bytes: files.reduce((a, [, n]) => a + n, 0), seen: r.bytes };
  } finally { await wd('DELETE', `/session/${id}`); }
};

// Pagefind: its JS API, the top 5 results' data after each search.
const pagefindScript = `const done = arguments[1];
(async () => {
  const pf = await import('/pagefind/pagefind.js');
  let shown = 0, first = '';
  for (const q of arguments[0]) {
    const s = await pf.search(q);
    const data = await Promise.all(s.results.slice(0, 5).map((r) => r.data()));
    shown = data.length; first = data[0]?.url || '-';
  }
  const got = performance.getEntriesByType('resource').filter((e) => e.name.includes('/pagefind/'));
  done({ bytes: got.reduce((a, e) => a + e.encodedBodySize, 0), files: got.map((e) => [new URL(e.name).pathname, e.encodedBodySize]), shown, first });
})().catch((e) => done({ error: String(e) }));`;
// Cookbook: type into its search box; a query is answered when its results are rendered.
const cookbookScript = `const done = arguments[1];
(async () => {
  const input = document.getElementById('search-input'), panel = document.getElementById('search-results');
  const status = document.getElementById('search-status');
  for (const q of arguments[0]) {
    status.textContent = '';
    input.value = q;
    input.dispatchEvent(new Event('input'));
    for (const deadline = Date.now() + 60e3; !status.textContent; ) {
      if (Date.now() > deadline) throw new Error('no results for ' + q);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const got = performance.getEntriesByType('resource').filter((e) => /\\/search(\\/|\\.js$)/.test(new URL(e.name).pathname));
  const shown = panel.querySelectorAll('.search-result');
  done({ bytes: got.reduce((a, e) => a + e.encodedBodySize, 0), files: got.map((e) => [new URL(e.name).pathname, e.encodedBodySize]), shown: shown.length, first: shown[0]?.getAttribute('href') || '-' });
})().catch((e) => done({ error: String(e) }));`;

const words = query.split(/(?<=\S)(?=\s)/).map((_, i, a) => a.slice(0, i + 1).join(''));
// What a gzip-serving host would send for the same files (Pagefind's index files are gzipped
// already: those count as they are).
const gzipped = (list) => list.reduce((a, [p, n]) => a + Math.min(n, zlib.gzipSync(fs.readFileSync(path.join(site, p))).length), 0);
const rows = [];
try {
  for (const [name, page, script] of [['cookbook', '/index.html', cookbookScript], ['pagefind', '/blank.html', pagefindScript]]) {
    for (const [how, qs] of [['pasted', [query]], ['typed', words]]) {
      const r = await measure(page, script, qs);
      if (r.error) throw new Error(`${name} ${how}: ${r.error}`);
      rows.push({ name, how, ...r, gz: gzipped(r.files) });
    }
  }
} finally {
  driver.kill();
  server.close();
}
const get = (name, how) => rows.find((r) => r.name === name && r.how === how);
console.log(`  Pagefind ${spawnSync(pagefindBin, ['--version']).stdout.toString().trim()}: index ${pfIndex} bytes, built in ${pfSecs.toFixed(2)} s (wall, HTML read and parsed); cookbook index ${cbIndex} bytes (${cbIndexGz} gzipped file by file)`);
for (const how of ['pasted', 'typed']) {
  const c = get('cookbook', how), p = get('pagefind', how);
  console.log(`  ${how.padEnd(6)} ${JSON.stringify(how === 'typed' ? words : [query])}: cookbook ${c.bytes} bytes in ${c.files.length} files (${c.gz} gzipped), ` +
    `${c.shown} shown, first ${c.first}; pagefind ${p.bytes} bytes in ${p.files.length} files (${p.gz} gzipped), ${p.shown} shown, ` +
    `first ${p.first}; ratio ${(c.bytes / p.bytes).toFixed(2)} (${(c.gz / p.gz).toFixed(2)} gzipped)`);
}
if (process.env.VERBOSE) for (const r of rows) console.log(r.name, r.how, JSON.stringify(r.files));
