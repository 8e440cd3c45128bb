// How the grokking page writes numbers and runs. Operations read as the core describes them
// (schema.ops: "{a} + {b}", "{a}² + {b}²", ...), so a new op needs no change here.
export const pct = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
export const num = (v) => (v == null ? '—' : Number(v).toLocaleString('en-US'));

// "3 + 5" for op add with a = 3, b = 5; "a ÷ b" with the defaults.
export function opText(schema, op, a = 'a', b = 'b') {
  const info = schema?.ops?.find((o) => o.name === op);
  return info ? info.expression.replaceAll('{a}', a).replaceAll('{b}', b) : `${op}(${a}, ${b})`;
}

// "a + b mod 59" (no modulus for ops of a fixed group such as S5).
export function taskText(schema, config, a, b) {
  const info = schema?.ops?.find((o) => o.name === config.op);
  return `${opText(schema, config.op, a, b)}${info && info.elements > 0 ? '' : ` mod ${config.p}`}`;
}

// "a + b mod 113, transformer (1 layer, d_model 128), 30% train, lr 0.001, weight decay 1, seed 0".
export function runTitle(c, schema) {
  const model = c.model === 'mlp' ? `mlp (hidden ${c.hidden})` : `transformer (${c.layers} layer${c.layers > 1 ? 's' : ''}, d_model ${c.d_model})`;
  return `${taskText(schema, c)}, ${model}, ${Math.round(c.train_fraction * 100)}% train, lr ${c.lr}, ` +
         `weight decay ${c.weight_decay}, seed ${c.seed}`;
}
