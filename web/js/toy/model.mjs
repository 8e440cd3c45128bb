// The toy model of Davies, Langosco & Krueger (2023), "Unifying Grokking and Double Descent"
// (xanderdavies/unifying-grok-dd, toy_grok_dd.ipynb), in closed form. Three kinds of pattern are
// learned at their own speed: pattern i explains a share pred_i(t) = gamma_i / (1 + e^(-alpha_i (t - b_i)))
// of the training set at epoch t (strength gamma, speed alpha, onset b) and generalizes with g_i
// (1: it holds on unseen data, 0: memorization). Train accuracy is the share explained by any of
// them (patterns as independent events); test accuracy weighs each pattern's use by its g_i, where
// pattern 3 (slow, general) is preferred wherever it applies and patterns 1 and 2 share the rest:
//   u_3 = pred_3,  u_k = pred_k (1 - pred_3) - pred_1 pred_2 (1 - pred_3) / 2  (k = 1, 2).
export const KINDS = [
  { key: 'heuristic', name: 'Type 1: fast, general (heuristics)', g: 1 },
  { key: 'memorize', name: 'Type 2: medium speed, memorizing', g: 0 },
  { key: 'slow', name: 'Type 3: slow, general, preferred', g: 1 },
];

// The paper's Figure: epoch-wise double descent, and grokking (no heuristics, a slow pattern that
// explains everything). Speeds and onsets are the notebook's; 300 epochs.
export const PRESETS = {
  'double-descent': [{ gamma: 0.7, alpha: 0.15, b: 30 }, { gamma: 1, alpha: 0.15, b: 50 }, { gamma: 0.2, alpha: 0.05, b: 200 }],
  grokking: [{ gamma: 0, alpha: 0.15, b: 30 }, { gamma: 1, alpha: 0.15, b: 50 }, { gamma: 1, alpha: 0.05, b: 200 }],
};
export const EPOCHS = 300;

export function predictiveness(p, t) {
  return p.gamma / (1 + Math.exp(-p.alpha * (t - p.b)));
}

// {train, test, pred: [3]} at epoch t for patterns [p1, p2, p3] (each {gamma, alpha, b}).
export function accuracies(patterns, t) {
  const [a, b, c] = patterns.map((p) => predictiveness(p, t));
  const train = a + b + c - a * b - a * c - b * c + a * b * c;
  const shared = (a * b - a * b * c) / 2;  // examples both 1 and 2 explain (and 3 does not): split evenly
  const u1 = a - a * c - shared, u2 = b - b * c - shared, u3 = c;
  return { train, test: KINDS[0].g * u1 + KINDS[1].g * u2 + KINDS[2].g * u3, pred: [a, b, c] };
}

// The curves over epochs 0..epochs-1.
export function curves(patterns, epochs = EPOCHS) {
  const out = { epochs: [], train: [], test: [], pred: [[], [], []] };
  for (let t = 0; t < epochs; ++t) {
    const r = accuracies(patterns, t);
    out.epochs.push(t);
    out.train.push(r.train);
    out.test.push(r.test);
    r.pred.forEach((v, i) => out.pred[i].push(v));
  }
  return out;
}

// What the test curve does, in words and numbers: its first peak, the dip after it, and the end;
// "double descent" when it falls by more than `tol` after a peak and then rises by more than `tol`
// again (test error: down, up, down), "grokking" when train accuracy passes 0.9 at least `lag`
// epochs before test accuracy does.
export function describe(c, { tol = 0.02, lag = 50 } = {}) {
  const { test, train } = c;
  let peak = 0;
  while (peak + 1 < test.length && test[peak + 1] >= test[peak]) ++peak;
  let dip = peak;
  for (let t = peak; t < test.length; ++t) if (test[t] < test[dip]) dip = t;
  let late = dip;
  for (let t = dip; t < test.length; ++t) if (test[t] > test[late]) late = t;
  const doubleDescent = test[peak] - test[dip] > tol && test[late] - test[dip] > tol;
  const firstAbove = (xs, v) => { const i = xs.findIndex((x) => x >= v); return i < 0 ? null : i; };
  const trainAt = firstAbove(train, 0.9), testAt = firstAbove(test, 0.9);
  const grokking = trainAt !== null && testAt !== null && testAt - trainAt >= lag;
  return { peak, dip, late, doubleDescent, grokking, trainAt, testAt, final: { train: train.at(-1), test: test.at(-1) } };
}
