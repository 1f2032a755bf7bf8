// The search client (assets/search.js) against the index Rust builds of
// tests/fixtures/search/docs.json; `cargo test --test search_index` writes that index
// and runs this file. Alone: `node --test tests/js/` after that test has run once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = process.env.COOKBOOK_SEARCH_FIXTURE || path.join(repo, 'target/tmp/search-fixture');
const haveIndex = fs.existsSync(path.join(fixture, 'search/index.js'));
const skip = haveIndex ? false : `no index at ${fixture}: run \`cargo test --test search_index\``;

const ctx = vm.createContext({});
vm.runInContext(fs.readFileSync(path.join(repo, 'assets/search.js'), 'utf8'), ctx);
const S = ctx.cookbookSearch;
const plain = (v) => JSON.parse(JSON.stringify(v));

/** Loads `search/<id>.js` the way a <script> tag would, recording what was fetched. */
function fileLoader(dir, fetched = []) {
  return (id) => {
    const code = fs.readFileSync(path.join(dir, 'search', id + '.js'), 'utf8');
    fetched.push([id, Buffer.byteLength(code)]);
    let data;
    vm.runInNewContext(code, { cookbookSearch: { add: (i, d) => { if (i === id) data = d; } } });
    return data;
  };
}

test('tokenizer agrees with the Rust tokenizer on the shared table', () => {
  const table = JSON.parse(fs.readFileSync(path.join(repo, 'tests/fixtures/search/tokenize.json'), 'utf8'));
  for (const { input, tokens } of table) assert.deepEqual(plain(S.tokens(input)), tokens, input);
});

test('the word being typed is a prefix', () => {
  const words = plain(S.parseQuery('docker nvidia/cuda:12'));
  assert.deepEqual(words[0].prefix, []);
  // A number alone is not a prefix (`42` is not `420`); a tag holding one still is.
  assert.deepEqual(words[1].prefix, ['nvidia/cuda:12']);
  assert.deepEqual(plain(S.parseQuery('shm ')).map((w) => w.prefix), [[]]);
});

const expected = {
  '--shm-size': 'resources.html#shared-memory',
  'shm size': 'resources.html#shared-memory',
  'ipc host': 'resources.html#sharing-the-host-ipc-namespace',
  'nvidia smi': 'gpus.html#checking-the-gpu-with-nvidia-smi',
  'restart unless-stopped': 'services.html#restart-policies',
  'NVIDIA_VISIBLE_DEVICES': 'gpus.html#choosing-devices',
  'nvidia/cuda:12': 'gpus.html#cuda-base-images',
  'nvidia-sm': 'gpus.html#checking-the-gpu-with-nvidia-smi',
  'shm si': 'resources.html#shared-memory',
  'docker ipc': 'resources.html#sharing-the-host-ipc-namespace',
};
for (const [query, url] of Object.entries(expected)) {
  test(`"${query}" finds ${url} first`, { skip }, async () => {
    const out = await S.createEngine(fileLoader(fixture)).search(query);
    assert.ok(out.results.length > 0, 'no results');
    assert.equal(out.results[0].url, url, out.results.map((r) => r.url).join('\n'));
  });
}

test('a query loads the manifest, its shards and the chunks of shown results only', { skip }, async () => {
  const fetched = [];
  const out = await S.createEngine(fileLoader(fixture, fetched)).search('shm size');
  const ids = fetched.map(([id]) => id);
  const all = fs.readdirSync(path.join(fixture, 'search/t')).length;
  assert.equal(ids[0], 'index');
  const shards = ids.filter((id) => id.startsWith('t/'));
  assert.ok(shards.length >= 1 && shards.length <= 3 && shards.length < all, ids.join(' '));
  const chunks = ids.filter((id) => id.startsWith('d/'));
  assert.ok(chunks.length <= out.results.length, ids.join(' '));
});

test('no results is a result, with a message', { skip }, async () => {
  const out = await S.createEngine(fileLoader(fixture)).search('zzyzx qwxv');
  assert.equal(out.results.length, 0);
  const doc = fakeDocument();
  const panel = doc.createElement('div');
  S.render(doc, panel, '', out, 'zzyzx qwxv');
  assert.match(panel.text(), /No results for .zzyzx qwxv./);
});

test('excerpts mark the words that matched', () => {
  const segs = plain(S.excerpt('Raise it with --shm-size when workers crash.', '', new Set(['shm'])));
  assert.deepEqual(segs.filter((s) => s[1]).map((s) => s[0]), ['--shm-size']);
  assert.equal(segs.map((s) => s[0]).join(''), 'Raise it with --shm-size when workers crash.');
});

test('markup in titles, headings and text shows as text', { skip }, async () => {
  const out = await S.createEngine(fileLoader(fixture)).search('onerror');
  assert.equal(out.results[0].url, 'escaping.html#img-in-headings');
  const doc = fakeDocument();
  const panel = doc.createElement('div');
  S.render(doc, panel, '../', out, 'onerror');
  const tags = doc.created.map((e) => e.tagName);
  assert.ok(!tags.includes('SCRIPT') && !tags.includes('IMG') && !tags.includes('B'), tags.join(' '));
  const text = panel.text();
  assert.ok(text.includes("Escaping <script>alert('title')</script>"), text);
  assert.ok(text.includes('<img src=x onerror=alert(1)> in headings'), text);
  assert.ok(text.includes('<script>alert(2)</script>'), text);
  // The result links to its section, carrying the matched words for the landing page to mark.
  assert.match(panel.children[0].href, /^\.\.\/escaping\.html\?h=onerror[^#]*#img-in-headings$/);
  const src = fs.readFileSync(path.join(repo, 'assets/search.js'), 'utf8');
  assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(src), 'the client never parses HTML');
});

// Its 10 KB budget, on the bytes that ship (comment lines dropped), is checked in
// src/core/theme.rs: the_search_client_ships_within_its_10_kb_budget.

/** Just enough DOM for render(): elements that record their children; strings are text. */
function fakeDocument() {
  const created = [];
  const text = (s) => ({ text: () => s });
  const createElement = (tag) => {
    const e = {
      tagName: tag.toUpperCase(), children: [], attrs: {}, className: '', id: '', href: '',
      append(...kids) { this.children.push(...kids.map((k) => (typeof k === 'string' ? text(k) : k))); },
      replaceChildren(...kids) { this.children = []; this.append(...kids); },
      setAttribute(k, v) { this.attrs[k] = String(v); },
      set textContent(v) { this.children = [text(String(v))]; },
      text() { return this.children.map((c) => c.text()).join(''); },
    };
    created.push(e);
    return e;
  };
  return { created, createElement };
}
