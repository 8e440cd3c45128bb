// The settings form, built from a schema's field rows (the core's field table: kind, range text,
// group, label, help, `when` conditions), for both pages. Every typed value is checked by the core
// (core.mjs checkField) before onChange sees it; a bad one is marked on its field (aria-invalid)
// and reported through onInvalid. Fields that do not apply to the config (a transformer's layers
// for an MLP) are hidden, or, with layout 'inline', left out until they apply.
import { applies } from './core.mjs';

// options:
//   core       a core.mjs Core (checks every typed value)
//   table      'grok' | 'dd' (which table it consults)
//   layout     'grouped' (a fieldset per group, a help line under each field) or 'inline' (labels
//              around their inputs, help as a tooltip)
//   idPrefix   element id of a field's input: idPrefix + name
//   exclude    field names the page shows elsewhere (the dd page's experiment menu)
//   onChange(name, value), onInvalid(message)
export function buildSettingsForm(form, schema, { core, table, layout = 'grouped', idPrefix = 'setting-', exclude = [],
                                                  onChange, onInvalid }) {
  const rows = schema.fields.filter((f) => !f.native_only && !exclude.includes(f.name));
  const inputs = new Map();
  let shown = null;  // inline: the names of the fields built, in order

  const makeInput = (spec) => {
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
      input.min = String(spec.min);
      input.max = String(spec.max);
    }
    input.id = `${idPrefix}${spec.name}`;
    input.name = spec.name;
    input.dataset.field = spec.name;
    input.addEventListener('change', async () => {
      const r = await core.checkField(table, spec.name, spec.kind === 'bool' ? input.checked : input.value);
      if (r.error) { input.setAttribute('aria-invalid', 'true'); onInvalid(r.error); return; }
      input.setAttribute('aria-invalid', 'false');
      onChange(spec.name, r.value);
    });
    inputs.set(spec.name, input);
    return input;
  };

  const grouped = () => {
    const groups = [];
    for (const spec of rows) {
      let g = groups.find(([title]) => title === spec.group);
      if (!g) groups.push(g = [spec.group || 'More', []]);
      g[1].push(spec);
    }
    for (const [title, specs] of groups) {
      const fs = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = title;
      fs.append(legend);
      for (const spec of specs) {
        const row = document.createElement('div');
        row.className = 'field';
        const input = makeInput(spec);
        const label = document.createElement('label');
        label.htmlFor = input.id;
        label.textContent = spec.label;
        const help = document.createElement('div');
        help.className = 'help';
        help.id = `${input.id}-help`;
        help.textContent = spec.kind === 'int' || spec.kind === 'real' ? `${spec.help} (${spec.range})` : spec.help;
        input.setAttribute('aria-describedby', help.id);
        row.append(label, input, help);
        fs.append(row);
      }
      form.append(fs);
    }
  };

  const inline = (config) => {
    for (const spec of rows) {
      if (!applies(spec, config)) continue;
      const label = document.createElement('label');
      label.title = spec.help;
      const text = document.createElement('span');
      text.textContent = spec.label;
      const input = makeInput(spec);
      label.htmlFor = input.id;
      input.setAttribute('aria-description', `${spec.help} (${spec.range})`);
      if (spec.kind === 'bool') { label.className = 'bool'; label.append(input, text); } else label.append(text, input);
      form.append(label);
    }
  };

  const fill = (config) => {
    for (const [name, input] of inputs) {
      const v = config[name];
      if (v === undefined) continue;
      if (input.type === 'checkbox') input.checked = !!v;
      else input.value = String(v);
      input.removeAttribute('aria-invalid');
    }
  };

  if (layout === 'grouped') { form.replaceChildren(); grouped(); }
  return {
    // Shows `config`'s values; fields that do not apply are hidden (grouped) or left out (inline).
    set(config) {
      const names = rows.filter((spec) => applies(spec, config)).map((spec) => spec.name).join(',');
      if (layout === 'inline' && names !== shown) {
        form.replaceChildren();
        inputs.clear();
        inline(config);
        shown = names;
      }
      fill(config);
      if (layout === 'grouped')
        for (const spec of rows) inputs.get(spec.name).closest('.field').hidden = !applies(spec, config);
    },
  };
}
