// The toy model of toy.html (web/js/toy/model.mjs): the paper's two settings give the two curves,
// the formulas keep their invariants, and moving the two strengths turns one into the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRESETS, accuracies, curves, describe, predictiveness } from '../../web/js/toy/model.mjs';

test('a pattern is a logistic curve: half its strength at its onset, its strength long after', () => {
  const p = { gamma: 0.6, alpha: 0.1, b: 40 };
  assert.equal(predictiveness(p, 40), 0.3);
  assert.ok(Math.abs(predictiveness(p, 400) - 0.6) < 1e-12);
  assert.ok(predictiveness(p, 0) < 0.02 * 0.6);
});

test('usage never exceeds the examples explained; test accuracy never exceeds train accuracy', () => {
  for (const name of Object.keys(PRESETS)) {
    for (let t = 0; t < 300; t += 7) {
      const r = accuracies(PRESETS[name], t);
      assert.ok(r.train >= 0 && r.train <= 1, `${name} t=${t}: train ${r.train}`);
      assert.ok(r.test >= 0 && r.test <= r.train + 1e-12, `${name} t=${t}: test ${r.test} > train ${r.train}`);
    }
  }
});

test("the paper's double descent: test accuracy up, down, up again; no grokking", () => {
  const c = curves(PRESETS['double-descent']);
  const d = describe(c);
  assert.equal(d.doubleDescent, true);
  assert.equal(d.grokking, false);
  assert.ok(d.peak > 20 && d.peak < 80, `first peak at epoch ${d.peak}`);
  assert.ok(c.test[d.peak] - c.test[d.dip] > 0.1, `dip of ${c.test[d.peak] - c.test[d.dip]}`);
  assert.ok(d.late > d.dip && c.test[d.late] - c.test[d.dip] > 0.1);
});

test("the paper's grokking: train accuracy at 90% long before test accuracy; no double descent", () => {
  const d = describe(curves(PRESETS.grokking));
  assert.equal(d.grokking, true);
  assert.equal(d.doubleDescent, false);
  assert.ok(d.trainAt < 100 && d.testAt > 200, `train at ${d.trainAt}, test at ${d.testAt}`);
  assert.ok(d.final.test > 0.9);
});

test('moving the heuristics down and the slow pattern up turns double descent into grokking, and back', () => {
  const seen = [];
  for (let k = 0; k <= 10; ++k) {
    const f = k / 10;
    const ps = PRESETS['double-descent'].map((p) => ({ ...p }));
    ps[0].gamma = 0.7 * (1 - f);
    ps[2].gamma = 0.2 + 0.8 * f;
    const d = describe(curves(ps));
    seen.push(d.doubleDescent ? 'dd' : d.grokking ? 'grok' : 'neither');
  }
  assert.equal(seen[0], 'dd');
  assert.equal(seen.at(-1), 'grok');
});
