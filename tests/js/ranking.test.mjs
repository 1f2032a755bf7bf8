// Ranking of the search client on tests/fixtures/search/ranking.json (indexed by Rust with
// the default options; `cargo test --test search_index` writes it and runs this file):
// headings weigh more, numbers are not prefixes, typos within one edit find the word,
// excerpts are centred on the match, typed queries are debounced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = process.env.COOKBOOK_SEARCH_RANKING || path.join(repo, 'target/tmp/search-ranking');
const skip = fs.existsSync(path.join(dir, 'search/index.js')) ? false : `no index at ${dir}: run \`cargo test --test search_index\``;

const ctx = vm.createContext({});
vm.runInContext(fs.readFileSync(path.join(repo, 'assets/search.js'), 'utf8'), ctx);
const S = ctx.cookbookSearch;

const loader = (dir) => (id) => {
  let data;
  const code = fs.readFileSync(path.join(dir, 'search', id + '.js'), 'utf8');
  vm.runInNewContext(code, { cookbookSearch: { add: (i, d) => { if (i === id) data = d; } } });
  return data;
};
const load = loader(dir);
const urls = async (q) => (await S.createEngine(load).search(q)).results.map((r) => r.url);

test('a heading outweighs many mentions in prose: gpu', { skip }, async () => {
  for (const q of ['gpu', 'gpu ', 'GPU']) {
    const u = await urls(q);
    assert.equal(u[0], 'gpu.html', `${q}: ${u.join(' ')}`);
  }
});

test('a heading outweighs many mentions in prose: out of memory', { skip }, async () => {
  for (const q of ['out of memory', 'out of memory ']) {
    const u = await urls(q);
    assert.equal(u[0], 'resources.html#out-of-memory', `${q}: ${u.join(' ')}`);
  }
});

test('numbers are not prefixes: epochs 42 returns neither epochs 4 nor epochs 420', { skip }, async () => {
  for (const q of ['epochs 42', 'epochs 42 ', '--epochs 42']) {
    const u = await urls(q);
    assert.equal(u[0], 'training.html#long', `${q}: ${u.join(' ')}`);
    assert.ok(!u.includes('training.html#four') && !u.includes('training.html#longer'), `${q}: ${u.join(' ')}`);
  }
});

test('a typo within one edit finds the word', { skip }, async () => {
  for (const q of ['entrypiont', 'entrypoint', 'ENTRYPIONT ']) {
    const u = await urls(q);
    assert.equal(u[0], 'entrypoint.html#entrypoint', `${q}: ${u.join(' ')}`);
  }
});

test('no results suggests the closest terms', { skip }, async () => {
  const out = await S.createEngine(load).search('entrypxxnt');
  assert.equal(out.results.length, 0);
  assert.ok(out.suggest.includes('entrypoint'), JSON.stringify(out.suggest));
});

test('the excerpt is centred on the match, even far into the section', { skip }, async () => {
  const out = await S.createEngine(load).search('follow tail');
  const r = out.results[0];
  assert.equal(r.url, 'logging.html#long-section');
  const segs = S.excerpt(r.text, r.code, r.terms);
  const marked = segs.filter((s) => s[1]).map((s) => s[0].toLowerCase());
  assert.ok(marked.includes('follow') || marked.includes('--follow'), JSON.stringify(segs));
});

test('typing is debounced: a query typed letter by letter searches once it pauses', () => {
  const calls = [], timers = new Map();
  let id = 0;
  const set = (f) => (timers.set(++id, f), id), clear = (k) => timers.delete(k);
  const d = S.debounce((q) => calls.push(q), 150, set, clear);
  for (let i = 1; i <= 8; i++) d('shm size'.slice(0, i));
  assert.equal(calls.length, 0, 'nothing before the pause');
  assert.equal(timers.size, 1, 'one pending search');
  [...timers.values()].forEach((f) => f());
  assert.deepEqual(calls, ['shm size']);
});

const rescue = process.env.COOKBOOK_SEARCH_RESCUE || path.join(repo, 'target/tmp/search-rescue');
test('the per-term cap never drops the pages of a rarer second word', { skip: fs.existsSync(path.join(rescue, 'search/index.js')) ? false : 'no rescue index' }, async () => {
  // `docker` keeps its best 3 sections; two pages that say `zygote` (one with docker too)
  // are not among them, one that is says `zygote` too. All three zygote pages are shown.
  const out = await S.createEngine(loader(rescue)).search('docker zygote');
  const u = out.results.map((r) => r.url);
  for (const want of ['zygote.html#zygote', 'forkserver.html#zygote-in-containers', 'docker-zygote.html']) assert.ok(u.includes(want), `${want}: ${u.join(' ')}`);
});

test('a result carries each matched word once, not the word pairs it matched through', { skip }, async () => {
  for (const q of ['follow tail', 'out of memory', 'shm size']) {
    const out = await S.createEngine(load).search(q);
    for (const r of out.results) {
      const terms = [...r.terms];
      assert.ok(terms.every((t) => !t.includes(' ')), `${q} → ${r.url}: ${terms.join(' | ')}`);
      assert.equal(new Set(terms).size, terms.length);
    }
  }
});
