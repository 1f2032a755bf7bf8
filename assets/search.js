/* cookbook search: loads the index shards a query needs by <script> tag (file:// works).
   Pure query logic first, tested under Node; then the DOM. */
((G) => {
'use strict';
const LEVELS = [/[:=@]/, /\//, /[-_]/, /\./], LIMIT = 10, PREFIX_SHARDS = 3;
const STOP = new Set('a an and are as at be by for from in is it of on or that the to with'.split(' '));
const RUN = /[\p{Alphabetic}\p{N}\-_.\/:=@]+/gu, ALNUM = /[\p{Alphabetic}\p{N}]/u;
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';

// Tokenizer: the rules of src/core/search/tokenize.rs.
const strip = (w) => w.replace(/^[.:=@\/]+/, '').replace(/[.:=@\/-]+$/, '');
const keep = (t) => { const n = [...t].length; return n >= 2 && n <= 64 && ALNUM.test(t) && !STOP.has(t); };
const push = (list, t) => { if (t && !list.includes(t)) list.push(t); };
const level = (piece, d, tokens, leaves) => {
  while (d < 4 && !LEVELS[d].test(piece)) d++;
  if (d === 4) return push(leaves, piece);
  for (let p of piece.split(LEVELS[d])) {
    p = p.replace(/^[-_.\/:=@]+|[-_.\/:=@]+$/g, '');
    if (p) { push(tokens, p); level(p, d + 1, tokens, leaves); }
  }
};
const rawWords = (text) => (text.toLowerCase().match(RUN) || []).map(strip).filter((w) => ALNUM.test(w));
const splitWord = (raw) => {
  const tokens = [raw], leaves = [];
  push(tokens, raw.replace(/^[-_]+/, ''));
  level(raw, 0, tokens, leaves);
  const t = tokens.filter(keep);
  return t.length ? { tokens: t, leaves: leaves.filter(keep) } : null;
};
const tokens = (text) => rawWords(text).flatMap((r) => splitWord(r)?.tokens || []);
/* Query words; the one being typed is also a prefix; `shm size` also finds `--shm-size`. */
const parseQuery = (q) => rawWords(q).flatMap((raw, i, raws) => {
  const w = splitWord(raw);
  if (w) w.prefix = i === raws.length - 1 && !/\s$/.test(q) ? w.tokens.filter((t) => raw.endsWith(t) && !/^\d+$/.test(t)) : [];
  return w || [];
}).map((w, i, ws) => {
  const a = ws[i - 1]?.leaves.at(-1), b = w.leaves[0];
  if (a && b) w.tokens.push((w.pair = a + ' ' + b)) && w.prefix.includes(b) && w.prefix.push(w.pair);
  return w;
});

/* Edits from a to b: insert, delete, substitute, swap two neighbours (`piont` → `point`). */
const dist = (a, b) => {
  let p2 = [], p = [...Array(b.length + 1).keys()];
  for (let i = 1; i <= a.length; i++) {
    const c = [i];
    for (let j = 1; j <= b.length; j++) {
      c[j] = Math.min(p[j] + 1, c[j - 1] + 1, p[j - 1] + (a[i - 1] !== b[j - 1]));
      if (a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) c[j] = Math.min(c[j], p2[j - 2] + 1);
    }
    [p2, p] = [p, c];
  }
  return p[b.length];
};
// Postings: varint gaps, 5 bits a digit, each then an impact digit.
const decode = (s, f) => {
  for (let i = s[0] === '!' ? 1 : 0, doc = 0; i < s.length;) {
    let mul = 1, v;
    do { v = DIGITS.indexOf(s[i++]); doc += (v & 31) * mul; mul *= 32; } while (v & 32);
    f(doc, DIGITS.indexOf(s[i++]));
  }
};
const shardOf = (keys, t) => {
  let lo = 0, hi = keys.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (keys[mid] <= t) lo = mid; else hi = mid - 1; }
  return lo;
};
/* load(id) resolves to the data that `search/<id>.js` registers. */
const createEngine = (load) => {
  const cache = new Map();
  const get = (id) => {
    if (!cache.has(id)) cache.set(id, Promise.resolve(id).then(load));
    return cache.get(id);
  };
  const shard = (i) => get('t/' + i).then((flat) => {
    const m = new Map();
    for (let k = 0; k < flat.length; k += 2) m.set(flat[k], flat[k + 1]);
    return m;
  });
  /* The shards holding the query's tokens and the completions of the typed word. */
  const plan = (keys, words) => {
    const need = new Set();
    for (const w of words) for (const t of w.tokens) {
      let i = shardOf(keys, t), j = i;
      need.add(i);
      if (w.prefix.includes(t)) while (j + 1 < i + PREFIX_SHARDS && keys[j + 1]?.startsWith(t)) need.add(++j);
    }
    return [...need];
  };
  /* [term, postings, weight]: the token itself and, while typed, its completions. */
  const variants = (maps, keys, t, prefix) => {
    const own = maps.get(shardOf(keys, t)), out = [];
    if (own.has(t)) out.push([t, own.get(t), 1]);
    /* Completions weigh less than the word itself, and a word does not complete into a pair. */
    if (prefix) for (const m of maps.values()) for (const [term, p] of m) {
      if (term !== t && term.startsWith(t) && (t.includes(' ') || !term.includes(' '))) out.push([term, p, out.length ? 0.5 : 0.8]);
    }
    /* A word with no hits: its terms one edit away, in the shards already loaded. */
    if (!out.length && t.length > 3) for (const m of maps.values()) for (const [k, p] of m) dist(t, k) < 2 && out.push([k, p, 0.7]);
    return out;
  };
  /* Sections matching more query words first, then by summed impact. */
  const score = (words, maps, keys) => {
    const docs = new Map();
    words.forEach((w, wi) => w.tokens.forEach((t) => {
      for (const [term, p, weight] of variants(maps, keys, t, w.prefix.includes(t))) {
        decode(p, (doc, imp) => {
          const r = docs.get(doc) || docs.set(doc, { doc, best: new Map(), terms: new Set() }).get(doc), k = wi + ' ' + t;
          r.best.set(k, Math.max(r.best.get(k) || 0, imp * weight));
          /* A pair's words, so a result names each word once. */
          for (const x of term.split(' ')) r.terms.add(x);
        });
      }
    }));
    /* A word whose postings were cut to its best sections may be in any other: not required. */
    const cut = words.map(({ tokens: [t] }) => maps.get(shardOf(keys, t)).get(t)?.[0] === '!');
    for (const r of docs.values()) {
      const has = (wi) => (t) => r.best.has(wi + ' ' + t);
      r.score = [...r.best.values()].reduce((x, y) => x + y, 0);
      r.words = words.filter((w, wi) => cut[wi] || has(wi)(w.tokens[0]) || (w.leaves.length && w.leaves.every(has(wi))) ||
        has(wi)(w.pair) || has(wi + 1)(words[wi + 1]?.pair)).length;
    }
    const all = [...docs.values()].sort((a, b) => b.words - a.words || b.score - a.score || a.doc - b.doc);
    /* Sections with every word hide those with fewer: `epochs 42` is not `epochs 4`. */
    return all.filter((r) => r.words === all[0].words);
  };
  /* Resolves to { results: [{url, title, path, text, code, terms}] }, best first. */
  const search = async (q, limit = LIMIT) => {
    const words = parseQuery(q), m = await get('index');
    if (!words.length) return { results: [] };
    const ids = plan(m.keys, words), maps = await Promise.all(ids.map(shard));
    const loaded = new Map(ids.map((id, k) => [id, maps[k]]));
    const top = score(words, loaded, m.keys).slice(0, limit);
    const t = words.at(-1).tokens[0], near = (k) => dist(t, k) * 99 + k.length;
    if (!top.length) return { results: [], suggest: [...loaded.values()].flatMap((m) => [...m.keys()]).filter((k) => dist(t, k) < 3).sort((a, b) => near(a) - near(b)).slice(0, 3) };
    const chunks = await Promise.all(top.map((r) => get('d/' + Math.floor(r.doc / m.chunk))));
    return { results: top.map((r, k) => {
      const [url, title, path, text, code] = chunks[k][r.doc % m.chunk];
      return { url, title, path, text, code, terms: r.terms };
    }) };
  };
  return { search };
};

// Excerpts: [text, marked] segments.
const highlight = (text, terms) => {
  const out = [];
  let at = 0;
  for (const m of text.matchAll(RUN)) {
    const low = m[0].toLowerCase(), w = strip(low);
    if (w && splitWord(w)?.tokens.some((t) => terms.has(t))) {
      const s = m.index + low.indexOf(w);
      if (s > at) out.push([text.slice(at, s), false]);
      out.push([text.slice(s, (at = s + w.length)), true]);
    }
  }
  if (at < text.length) out.push([text.slice(at), false]);
  return out;
};
const excerpt = (text, code, terms, width = 160) => {
  const first = (s) => { let p = 0; for (const [x, hit] of highlight(s, terms)) { if (hit) return p; p += x.length; } return -1; };
  const src = first(text) < 0 && first(code) >= 0 ? code : text || code;
  let start = Math.max(0, first(src) - width / 3);
  const sp = src.lastIndexOf(' ', start);
  if (start > 0 && sp > 0) start = sp + 1;
  const end = Math.min(src.length, start + width), body = highlight(src.slice(start, end), terms);
  if (start > 0) body.unshift(['…', false]);
  if (end < src.length) body.push(['…', false]);
  return body;
};

// DOM.
// Strings become text nodes, never markup.
const el = (doc, tag, cls, ...kids) => {
  const e = doc.createElement(tag);
  e.className = cls;
  e.append(...kids);
  return e;
};
const marked = (doc, cls, segs) => el(doc, 'span', 'search-result-' + cls, ...segs.map(([s, hit]) => (hit ? el(doc, 'mark', '', s) : s)));
const render = (doc, panel, root, out, query) => {
  const say = (text) => panel.replaceChildren(el(doc, 'p', 'search-message', text));
  if (out.error) return say(`Search failed: ${out.error.message}`);
  if (!out.results.length) return say(`No results for “${query.trim()}”. ` + (out.suggest?.length ? `Did you mean ${out.suggest.join(', ')}?` : 'Try fewer words.'));
  panel.replaceChildren(...out.results.map((r, i) => {
    const a = el(doc, 'a', 'search-result', marked(doc, 'title', highlight(r.path.at(-1) || r.title, r.terms)),
      marked(doc, 'path', highlight([r.title, ...r.path.slice(0, -1).filter((h) => h !== r.title)].join(' › '), r.terms)),
      marked(doc, 'excerpt', excerpt(r.text, r.code, r.terms)));
    a.id = 'search-result-' + i;
    a.href = root + r.url.replace(/#|$/, '?h=' + encodeURIComponent([...r.terms].join(' ')) + '$&');
    a.setAttribute('role', 'option');
    return a;
  }));
};

/* f once calls pause for `ms`: a typed query fetches about what a pasted one does. */
const debounce = (f, ms, set = setTimeout, clear = clearTimeout) => {
  let t;
  return (...a) => { clear(t); t = set(() => f(...a), ms); };
};
const pending = new Map();
const add = (id, data) => { pending.get(id)?.(data); pending.delete(id); };
const scriptLoader = (doc, root) => (id) => new Promise((resolve, reject) => {
  const s = doc.createElement('script');
  pending.set(id, resolve);
  s.src = root + 'search/' + id + '.js';
  s.onload = s.onerror = () => { s.remove(); if (pending.delete(id)) reject(new Error(s.src)); };
  doc.head.appendChild(s);
});

const init = (doc) => {
  const $ = (id) => doc.getElementById(id), form = doc.querySelector('form.search');
  const input = $('search-input'), panel = $('search-results');
  if (!form || !input || !panel) return;
  const root = doc.documentElement.dataset.root || '', engine = createEngine(scriptLoader(doc, root));
  let seq = 0, sel = -1;
  const show = (on) => input.parentNode.setAttribute('aria-expanded', !(panel.hidden = !on));
  form.hidden = false;
  const items = () => panel.querySelectorAll('.search-result');
  const select = (i) => {
    const list = items();
    if (!list.length) return;
    sel = (i + list.length) % list.length;
    list.forEach((a, k) => a.setAttribute('aria-selected', k === sel));
    input.setAttribute('aria-activedescendant', list[sel].id);
    list[sel].scrollIntoView({ block: 'nearest' });
  };
  const run = debounce((q, mine) => engine.search(q).catch((error) => ({ results: [], error })).then((out) => {
      if (mine !== seq) return;
      render(doc, panel, root, out, q);
      show(true);
      ($('search-status') || {}).textContent = out.results.length + ' results';
    }), 180);
  input.oninput = () => {
    const q = input.value, mine = ++seq;
    sel = -1;
    input.removeAttribute('aria-activedescendant');
    if (!q.trim()) return show(false);
    run(q, mine);
  };
  input.onkeydown = (e) => {
    const step = { ArrowDown: 1, ArrowUp: -1 }[e.key];
    if (step) { e.preventDefault(); select(sel + step); }
    if (e.key === 'Escape') { e.preventDefault(); panel.hidden ? input.blur() : show(false); }
  };
  form.onsubmit = (e) => {
    e.preventDefault();
    const a = items()[Math.max(sel, 0)];
    if (a) G.location.href = a.href;
  };
  doc.addEventListener('keydown', (e) => {
    const k = e.key.toLowerCase(), mod = e.ctrlKey || e.metaKey;
    if (mod && k === 'k' || !mod && !e.altKey && (k === '/' || k === 's') && !e.target.closest('input,textarea,select')) {
      e.preventDefault(); input.focus(); input.select();
    }
  });
  doc.addEventListener('click', (e) => form.contains(e.target) || show(false));
};

G.cookbookSearch = { add, tokens, parseQuery, createEngine, highlight, excerpt, render, debounce };
// With `defer`, the page is parsed.
if (G.document) init(G.document);
})(globalThis);
