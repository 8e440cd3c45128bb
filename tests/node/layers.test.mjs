// The core's layering, as docs/architecture.md states it: every unit of core/ has a layer there, and
// a file includes only its own header and units of lower layers. The two labs (grokking and double
// descent) never include each other. The table is read from the doc, so the doc stays true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function layerTable() {
  const doc = fs.readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
  const block = doc.match(/```layers\n([\s\S]*?)```/);
  assert.ok(block, 'docs/architecture.md has a ```layers block');
  const layer = new Map();
  for (const line of block[1].split('\n')) {
    const m = line.match(/^\s*(\d+)\s+(.+)$/);
    if (!m) continue;
    for (const unit of m[2].trim().split(/\s+/)) layer.set(unit, Number(m[1]));
  }
  return layer;
}

function files(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else if (/\.(h|cpp)$/.test(e.name)) out.push(p);
  }
  return out;
}

// core/include/grok/grokking/trainer.h and core/src/grokking/trainer.cpp are unit grokking/trainer.
const unitOf = (file) => {
  const rel = path.relative(path.join(root, 'core'), file).replace(/^(include\/grok|src)\//, '');
  return rel.replace(/\.(h|cpp)$/, '');
};

test('every core unit has a layer in docs/architecture.md, and includes run downward only', () => {
  const layer = layerTable();
  const problems = [];
  for (const file of files(path.join(root, 'core'))) {
    const unit = unitOf(file);
    if (!layer.has(unit)) { problems.push(`${unit}: no layer in docs/architecture.md`); continue; }
    const text = fs.readFileSync(file, 'utf8');
    for (const [, inc] of text.matchAll(/#include "grok\/([^"]+)\.h"/g)) {
      if (inc === unit) continue;  // a .cpp includes its own header
      if (!layer.has(inc)) { problems.push(`${unit} includes ${inc}, which has no layer`); continue; }
      if (layer.get(inc) >= layer.get(unit))
        problems.push(`${unit} (layer ${layer.get(unit)}) includes ${inc} (layer ${layer.get(inc)}): runs up or sideways`);
      const wing = (u) => u.split('/')[0];
      if (new Set([wing(unit), wing(inc)]).size === 2 && ['grokking', 'double_descent'].includes(wing(unit)) &&
          ['grokking', 'double_descent'].includes(wing(inc)))
        problems.push(`${unit} includes ${inc}: the two labs stay apart`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the layer table names no unit that does not exist', () => {
  const units = new Set(files(path.join(root, 'core')).map(unitOf));
  const stale = [...layerTable().keys()].filter((u) => !units.has(u));
  assert.deepEqual(stale, []);
});

test('front ends sit above the core: the core includes none, native/ includes neither python/ nor wasm/', () => {
  const problems = [];
  const quoted = (file) => [...fs.readFileSync(file, 'utf8').matchAll(/#include "([^"]+)"/g)].map((m) => m[1]);
  for (const file of files(path.join(root, 'core')))
    for (const inc of quoted(file)) if (!inc.startsWith('grok/')) problems.push(`${path.relative(root, file)} includes "${inc}"`);
  for (const file of files(path.join(root, 'native')))
    for (const inc of quoted(file))
      if (!inc.startsWith('grok/') && !fs.existsSync(path.join(root, 'native', inc))) problems.push(`${path.relative(root, file)} includes "${inc}"`);
  for (const file of files(path.join(root, 'native')))
    if (/pybind11|emscripten/.test(fs.readFileSync(file, 'utf8').match(/#include <[^>]+>/g)?.join(' ') ?? ''))
      problems.push(`${path.relative(root, file)} includes a binding library`);
  assert.deepEqual(problems, []);
});
