// Page logic that needs no browser (issue 14): what a worker abort is called, long-array extremes,
// and the phase diagram's grouping of a large sweep summary (rows + cells, not rows x cells).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainAbort } from '../../web/js/common/aborts.mjs';
import { maxOf, minOf } from '../../web/js/common/numbers.mjs';
import { checkSweep, phaseCells, MAX_CELLS } from '../../web/js/grok/phase.mjs';
import { gridSpecs, seedList, MAX_SEEDS } from '../../web/js/grok/sweep.mjs';

test('a wasm abort is explained in words, memory when the heap was near its limit', () => {
  const raw = 'Aborted(). Build with -s ASSERTIONS=1 for more info.';
  assert.equal(explainAbort(raw, 1.9 * 2 ** 30).kind, 'memory');
  assert.match(explainAbort(raw, 1.9 * 2 ** 30).error, /ran out of memory/);
  const internal = explainAbort(raw, 64 * 2 ** 20);
  assert.equal(internal.kind, 'internal');
  assert.doesNotMatch(internal.error, /ASSERTIONS/);
  assert.equal(explainAbort('RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded').kind, 'memory');
  assert.equal(explainAbort('Aborted(Cannot enlarge memory arrays to size 2147549184 bytes)').kind, 'memory');
  assert.equal(explainAbort('TypeError: x is undefined').kind, 'other');
  assert.equal(explainAbort('TypeError: x is undefined').raw, 'TypeError: x is undefined');
  assert.equal(explainAbort('10038176', 600 * 2 ** 20).kind, 'memory', 'an escaped C++ exception is bad_alloc');
});

test('maxOf and minOf handle arrays far past the argument limit of Math.max(...)', () => {
  const big = Float64Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i));
  assert.throws(() => Math.max(...big), RangeError);  // why they exist
  assert.equal(maxOf(big), Math.max(...big.subarray(0, 100000), maxOf(big.subarray(100000))));
  assert.ok(maxOf(big) <= 1 && maxOf(big) > 0.9999);
  assert.ok(minOf(big) >= -1 && minOf(big) < -0.9999);
  assert.equal(maxOf([], 7), 7);
  assert.equal(minOf([3, 1, 2]), 1);
});

function summary(nx, ny, seeds = 1) {
  const xs = Array.from({ length: nx }, (_, i) => (i + 1) / (nx + 1)), ys = Array.from({ length: ny }, (_, i) => i + 1);
  const rows = [];
  for (const x of xs) for (const y of ys) for (let s = 0; s < seeds; ++s)
    rows.push({ values: { train_fraction: x, weight_decay: y }, seed: s, grok_step: y % 3 ? 100 * y + s : null, diverged: false });
  return { schema: 'grok-sweep/1', grid: [{ field: 'train_fraction', values: xs }, { field: 'weight_decay', values: ys }], rows };
}

test('phase cells: medians per cell over seeds, in time linear in the rows', () => {
  const s = summary(4, 3, 3);
  assert.equal(checkSweep(s), '');
  const P = phaseCells(s);
  assert.equal(P.cells.length, 12);
  const c = P.cells.find((x) => x.x === s.grid[0].values[1] && x.y === 2);
  assert.deepEqual({ runs: c.runs, grokked: c.grokked, median: c.median }, { runs: 3, grokked: 3, median: 201 });
  assert.equal(P.cells.find((x) => x.y === 3).median, Infinity, 'did not grok');
  const big = summary(100, 100, 4);  // 40,000 rows
  const t0 = performance.now();
  const Q = phaseCells(big);
  const ms = performance.now() - t0;
  assert.equal(Q.cells.length, 10000);
  assert.ok(Q.cells.every((x) => x.runs === 4));
  assert.ok(ms < 2000, `${ms} ms for 40,000 rows x 10,000 cells (rows x cells took 12 s for 200 x 200)`);
});

test('a sweep grid past the phase diagram limit is refused with the reason; malformed rows too', () => {
  assert.match(checkSweep(summary(101, 100)), new RegExp(`10,100 cells, more than the ${MAX_CELLS.toLocaleString('en-US')}`));
  assert.match(checkSweep({ ...summary(2, 2), rows: [{ values: null }] }), /rows\[0\] has no values/);
});

test('the live sweep grid and seeds become what grok sweep reads; running runs are counted per cell', () => {
  assert.deepEqual(gridSpecs({ train_fraction: [0.4, 0.6], weight_decay: '0.5:2:3:log', p: 59 }),
                   ['train_fraction=0.4,0.6', 'weight_decay=0.5:2:3:log', 'p=59']);
  assert.throws(() => gridSpecs({}), /grid must be an object/);
  assert.throws(() => gridSpecs({ lr: [] }), /grid\.lr has no values/);
  assert.throws(() => gridSpecs({ lr: { a: 1 } }), /grid\.lr must be a list/);
  assert.deepEqual(seedList(3), [0, 1, 2]);
  assert.deepEqual(seedList([4, 9]), [4, 9]);
  assert.throws(() => seedList(0), new RegExp(`seeds must be a whole number in \\[1, ${MAX_SEEDS}\\]`));
  assert.throws(() => seedList(2.5), /seeds must be/);
  const s = { schema: 'grok-sweep/1', grid: [{ field: 'train_fraction', values: [0.4, 0.6] }], rows: [
    { index: 0, values: { train_fraction: 0.4 }, grok_step: 300 }] };
  const P = phaseCells(s, [{ train_fraction: 0.6 }, { train_fraction: 0.6 }]);
  assert.deepEqual(P.cells.map((c) => [c.runs, c.running, c.rows.length]), [[1, 0, 1], [0, 2, 0]]);
});
