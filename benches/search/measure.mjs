// Runs the search client on a written index and prints what one query downloads:
// `node benches/search/measure.mjs DIR "shm size"`. The loader reads the same files a
// browser's <script> tags would fetch and counts their bytes.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const [dir, query = 'shm size'] = process.argv.slice(2);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ctx = vm.createContext({});
vm.runInContext(fs.readFileSync(path.join(repo, 'assets/search.js'), 'utf8'), ctx);
const fetched = [];
const load = (id) => {
  const code = fs.readFileSync(path.join(dir, 'search', id + '.js'), 'utf8');
  fetched.push([id, Buffer.byteLength(code)]);
  let data;
  vm.runInNewContext(code, { cookbookSearch: { add: (i, d) => { if (i === id) data = d; } } });
  return data;
};
const engine = ctx.cookbookSearch.createEngine(load);
let t0 = performance.now();
const out = await engine.search(query);
const ms = performance.now() - t0;
t0 = performance.now(); // again, shards cached: the time to answer once they have arrived
await engine.search(query);
const warm = performance.now() - t0;
const sum = (p) => fetched.filter(([id]) => p(id)).reduce((a, [, n]) => a + n, 0);
// The client as it ships (src/core/theme.rs, shipped_js): no comment lines or indentation,
// lines joined after `{ ( [ , = > & | ? :` and before `) ] } . , ? :`.
const shipped = (src) => {
  let c = false, out = '';
  for (const l of src.split('\n').map((x) => x.trim())) {
    if (c || l.startsWith('/*')) { c = !l.includes('*/'); continue; }
    if (!l || l.startsWith('//')) continue;
    const prev = out.slice(0, -1), last = prev.slice(prev.lastIndexOf('\n') + 1);
    if ((/[{(\[,=>&|?:]$/.test(prev) || /^[)\]}.,?:]/.test(l)) && prev && !last.includes('//')) out = prev;
    out += l + '\n';
  }
  return out;
};
const client = Buffer.byteLength(shipped(fs.readFileSync(path.join(repo, 'assets/search.js'), 'utf8')));
// Typed: one engine (its cache is the browser's) searching as the query grows, with a search
// after every keystroke (no pause long enough for the debounce) or at each word's end.
const typed = async (prefixes) => {
  const before = fetched.length, e = ctx.cookbookSearch.createEngine(load);
  for (const p of prefixes) await e.search(p);
  return fetched.slice(before).reduce((a, [, n]) => a + n, 0);
};
const total = sum(() => true);
const line = (
  `${total} (${sum((id) => id === 'index')} + ${sum((id) => id.startsWith('t/'))} in ` +
  `${fetched.filter(([id]) => id.startsWith('t/')).length} + ${sum((id) => id.startsWith('d/'))} in ` +
  `${fetched.filter(([id]) => id.startsWith('d/')).length}); +${client} client = ${total + client}; ` +
  `${out.results.length} shown; first ${out.results[0]?.url ?? '-'}; ${ms.toFixed(0)} ms in node (${warm.toFixed(0)} ms with shards loaded); ` +
  'typed: ');
const keys = [...query].map((_, i) => query.slice(0, i + 1)).filter((p) => p.trim());
const words = query.split(/(?<=\S)(?=\s)/).map((_, i, a) => a.slice(0, i + 1).join(''));
const everyKey = await typed(keys), perWord = await typed(words);
console.log(line + `${perWord} pausing per word, ${everyKey} searching every keystroke`);
