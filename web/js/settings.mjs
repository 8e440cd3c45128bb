// Settings from the core's field table (Module.schema().fields): validation of one value, reading
// settings from a URL (hash or query), writing them back, and the settings form. No default,
// range or choice list is restated here; they all come from the schema.

// Fields that mean nothing in the page (the wasm build is single-threaded).
export const HIDDEN_FIELDS = new Set(['threads']);

// Form groups by field name; a field the table gains later lands in "More" on its own.
const GROUPS = [
  ['Task', ['op', 'p', 'train_fraction', 'pairs']],
  ['Model', ['model', 'layers', 'd_model', 'heads', 'd_mlp', 'hidden', 'mlp_input', 'activation', 'layer_norm']],
  ['Optimizer', ['loss', 'lr', 'weight_decay', 'beta1', 'beta2', 'eps', 'warmup', 'batch_size', 'perp_grad',
                 'grokfast_alpha', 'grokfast_lambda']],
  ['Run', ['steps', 'seed', 'eval_every', 'stop_at_grok']],
];

export function fieldMap(schema) {
  const map = new Map();
  for (const f of schema.fields) { map.set(f.name, f); map.set(f.name.replaceAll('_', '-'), f); }
  return map;
}

// "a number in (0, 1]" and the like, from the spec.
export function rangeText(spec) {
  if (spec.kind === 'choice') return `one of ${spec.choices.join(', ')}`;
  if (spec.kind === 'bool') return 'true or false';
  const lo = spec.exclusive_min ? '(' : '[', hi = spec.exclusive_max ? ')' : ']';
  return `${spec.kind === 'int' ? 'an integer' : 'a number'} in ${lo}${spec.min}, ${spec.max}${hi}`;
}

// Checks a raw value (text from a URL or a form, or a JSON value) against its spec.
// Returns {value} or {error} naming the field.
export function checkValue(spec, raw) {
  const bad = { error: `${spec.name}: '${String(raw).slice(0, 40)}' is not ${rangeText(spec)}` };
  if (spec.kind === 'choice') return spec.choices.includes(String(raw)) ? { value: String(raw) } : bad;
  if (spec.kind === 'bool') {
    if (raw === true || raw === 'true' || raw === '1' || raw === 1) return { value: true };
    if (raw === false || raw === 'false' || raw === '0' || raw === 0) return { value: false };
    return bad;
  }
  if (typeof raw === 'string' && !/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw)) return bad;
  const v = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(v)) return bad;
  if (spec.kind === 'int' && !Number.isInteger(v)) return bad;
  if (v < spec.min || v > spec.max || (spec.exclusive_min && v === spec.min) || (spec.exclusive_max && v === spec.max)) return bad;
  return { value: v };
}

export function presetByName(schema, name) {
  return schema.presets.find((p) => p.name === name) || null;
}

// Reads settings from URL parameters: `preset` picks the base, every other key must be a field.
// Bad values are replaced by the base value and reported in `notices` (each names the field).
export function settingsFromParams(params, schema, { defaultPreset = 'browser', ignore = [] } = {}) {
  const notices = [];
  const fields = fieldMap(schema);
  let presetName = params.get('preset') ?? defaultPreset;
  let preset = presetByName(schema, presetName);
  if (!preset) {
    notices.push(`preset: '${presetName.slice(0, 40)}' is not one of ${schema.presets.map((p) => p.name).join(', ')}; using ${defaultPreset}`);
    presetName = defaultPreset;
    preset = presetByName(schema, defaultPreset) || schema.presets[0];
  }
  const config = { ...preset.config };
  for (const [key, raw] of params) {
    if (key === 'preset' || ignore.includes(key)) continue;
    const spec = fields.get(key);
    if (!spec || HIDDEN_FIELDS.has(spec.name)) {
      notices.push(`'${key.slice(0, 40)}' is not a setting; ignored`);
      continue;
    }
    const r = checkValue(spec, raw);
    if (r.error) notices.push(`${r.error}; reset to ${formatValue(config[spec.name])}`);
    else config[spec.name] = r.value;
  }
  return { presetName, config, notices };
}

// The shortest description of a config: the preset plus the fields that differ from it.
export function paramsFromSettings(presetName, config, schema) {
  const params = new URLSearchParams();
  params.set('preset', presetName);
  const base = presetByName(schema, presetName)?.config || {};
  for (const f of schema.fields) {
    if (HIDDEN_FIELDS.has(f.name)) continue;
    if (config[f.name] !== undefined && config[f.name] !== base[f.name]) params.set(f.name, formatValue(config[f.name]));
  }
  return params;
}

export function formatValue(v) {
  return String(v);  // JS prints the shortest text that reads back as the same double, like the core
}

// Builds the settings form. onChange(name, value) fires with a validated value; invalid input is
// marked on the field and reported through onInvalid(message).
export function buildSettingsForm(form, schema, { onChange, onInvalid }) {
  form.replaceChildren();
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const placed = new Set();
  const groups = GROUPS.map(([title, names]) => [title, names.filter((n) => byName.has(n))]);
  const rest = schema.fields.map((f) => f.name).filter((n) => !GROUPS.some(([, ns]) => ns.includes(n)) && !HIDDEN_FIELDS.has(n));
  if (rest.length) groups.push(['More', rest]);
  const inputs = new Map();
  for (const [title, names] of groups) {
    const fs = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = title;
    fs.append(legend);
    for (const name of names) {
      if (placed.has(name) || HIDDEN_FIELDS.has(name)) continue;
      placed.add(name);
      const spec = byName.get(name);
      const row = document.createElement('div');
      row.className = 'field';
      const id = `setting-${name}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = name.replaceAll('_', ' ');
      let input;
      if (spec.kind === 'choice') {
        input = document.createElement('select');
        for (const c of spec.choices) input.append(new Option(c, c));
      } else if (spec.kind === 'bool') {
        input = document.createElement('input');
        input.type = 'checkbox';
      } else {
        input = document.createElement('input');
        input.type = 'number';
        input.inputMode = spec.kind === 'int' ? 'numeric' : 'decimal';
        input.step = spec.kind === 'int' ? '1' : 'any';
        if (Number.isFinite(spec.min)) input.min = String(spec.min);
        if (Number.isFinite(spec.max)) input.max = String(spec.max);
      }
      input.id = id;
      input.name = name;
      const help = document.createElement('div');
      help.className = 'help';
      help.id = `${id}-help`;
      help.textContent = spec.kind === 'int' || spec.kind === 'real' ? `${spec.help} (${rangeText(spec)})` : spec.help;
      input.setAttribute('aria-describedby', help.id);
      input.addEventListener('change', () => {
        const raw = spec.kind === 'bool' ? input.checked : input.value;
        const r = checkValue(spec, raw);
        if (r.error) { row.dataset.invalid = ''; input.setAttribute('aria-invalid', 'true'); onInvalid(r.error); return; }
        delete row.dataset.invalid;
        input.removeAttribute('aria-invalid');
        onChange(name, r.value);
      });
      row.append(label, input, help);
      fs.append(row);
      inputs.set(name, input);
    }
    form.append(fs);
  }
  return {
    set(config) {
      for (const [name, input] of inputs) {
        const v = config[name];
        if (v === undefined) continue;
        if (input.type === 'checkbox') input.checked = !!v;
        else input.value = formatValue(v);
        input.closest('.field')?.removeAttribute('data-invalid');
        input.removeAttribute('aria-invalid');
      }
    },
    // Hide fields that the chosen model does not use (transformer-only or MLP-only).
    showFor(config) {
      const transformerOnly = ['layers', 'heads', 'd_mlp', 'layer_norm'];
      const mlpOnly = ['hidden', 'mlp_input', 'activation'];
      for (const [name, input] of inputs) {
        const hide = (config.model === 'mlp' && transformerOnly.includes(name)) ||
                     (config.model === 'transformer' && mlpOnly.includes(name)) ||
                     (config.op === 's5' && name === 'p');
        input.closest('.field').hidden = hide;
      }
    },
  };
}
