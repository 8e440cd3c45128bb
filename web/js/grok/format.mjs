// How the grokking page writes numbers and runs. Operations read as the core describes them
// (schema.ops: "{a} + {b}", "{a}² + {b}²", ...), so a new op needs no change here.
export const pct = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
export const num = (v) => (v == null ? '—' : Number(v).toLocaleString('en-US'));

// 'tokens' for a run on a binary operation's pairs (also run files from before datasets existed),
// 'features' for one on a dense dataset (MNIST-1D, Fashion-MNIST).
export const taskKind = (c) => (!c || c.dataset === undefined || c.dataset === 'modular' ? 'tokens' : 'features');

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
// On a dense dataset: "fashion-mnist (500 images, 14×14), mlp 2 × 200, init ×8, mse loss, lr 0.001, weight decay 0.05, seed 0".
export function runTitle(c, schema) {
  if (taskKind(c) === 'features') {
    const side = c.dataset === 'fashion-mnist' ? 28 / (c.downsample || 1) : 0;
    const images = `${c.n_train ? num(c.n_train) : 'all'} ${c.dataset === 'fashion-mnist' ? 'images' : 'examples'}${side ? `, ${side}×${side}` : ''}`;
    const noise = c.label_noise > 0 ? `, ${Math.round(100 * c.label_noise)}% noisy labels` : '';
    const init = c.init_scale && c.init_scale !== 1 ? `, init ×${c.init_scale}` : '';
    return `${c.dataset} (${images}${noise}), mlp ${c.depth} × ${c.hidden}${init}, ${c.loss} loss, lr ${c.lr}, ` +
           `weight decay ${c.weight_decay}, seed ${c.seed}`;
  }
  const model = c.model === 'mlp' ? `mlp (hidden ${c.hidden})` : `transformer (${c.layers} layer${c.layers > 1 ? 's' : ''}, d_model ${c.d_model})`;
  return `${taskText(schema, c)}, ${model}, ${Math.round(c.train_fraction * 100)}% train, lr ${c.lr}, ` +
         `weight decay ${c.weight_decay}, seed ${c.seed}`;
}
