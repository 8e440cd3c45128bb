#!/usr/bin/env node
// wasm-train: `grok train` on the WebAssembly build, under Node. Same flags, same run file, so the
// browser build can be checked headless against the native one:
//   node scripts/wasm-train.mjs --preset browser --seed 1 --steps 100 --out run.json
// Flags come from the core's field table (Module.schema()), never restated here. Fashion-MNIST comes
// from $GROK_FASHION_MNIST_DIR, else the pages' subset (web/data/fashion-mnist/), handed over as the
// page does it (web/js/common/datasets.mjs), so a native run with the same directory is the same run.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGrokWasm } from './lib/load-wasm.mjs';
import { provideDataset } from '../web/js/common/datasets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  process.stderr.write(`wasm-train: error: ${message}\n`);
  process.exit(2);
}

let grok;
try { grok = await loadGrokWasm(process.env.GROK_SITE_DIR); } catch (e) { fail(e.message); }
const schema = JSON.parse(grok.schema());
const byFlag = new Map(schema.fields.map((f) => [f.flag, f]));

const args = process.argv.slice(2);
let preset = null, configFile = null, out = null;
const given = {};
for (let i = 0; i < args.length; i++) {
  let arg = args[i], value = null;
  if (arg === '-h' || arg === '--help') {
    console.log('usage: wasm-train.mjs [--preset NAME] [--config FILE] [--FIELD VALUE ...] --out run.json\nfields:');
    for (const f of schema.fields) console.log(`  ${f.flag.padEnd(20)} ${f.help} [default ${f.default}]`);
    process.exit(0);
  }
  const eq = arg.indexOf('=');
  if (arg.startsWith('--') && eq > 0) { value = arg.slice(eq + 1); arg = arg.slice(0, eq); }
  const next = () => {
    if (value !== null) return value;
    if (i + 1 >= args.length) fail(`${arg} needs a value`);
    return args[++i];
  };
  if (arg === '--preset') preset = next();
  else if (arg === '--config') configFile = next();
  else if (arg === '--out') out = next();
  else if (byFlag.has(arg)) {
    const f = byFlag.get(arg);
    if (f.kind === 'bool') given[f.name] = value === null ? true : value === 'true' || value === '1';
    else given[f.name] = next();
  } else fail(`unknown flag ${arg} (see --help)`);
}

let config = {};
if (preset !== null) {
  const p = schema.presets.find((q) => q.name === preset);
  if (!p) fail(`--preset: unknown preset '${preset}' (one of ${schema.presets.map((q) => q.name).join(', ')})`);
  config = { ...p.config };
}
if (configFile !== null) {
  let j;
  try { j = JSON.parse(fs.readFileSync(configFile, 'utf8')); } catch (e) { fail(`--config: ${configFile}: ${e.message}`); }
  Object.assign(config, j.schema && j.config ? j.config : j);
}
for (const [name, text] of Object.entries(given)) {
  const f = schema.fields.find((q) => q.name === name);
  config[name] = f.kind === 'choice' || f.kind === 'bool' ? text : Number(text);
  if (f.kind !== 'choice' && f.kind !== 'bool' && !Number.isFinite(config[name])) fail(`${f.flag}: '${text}' is not a number`);
}

const fashionDir = process.env.GROK_FASHION_MNIST_DIR || path.join(root, 'web', 'data', 'fashion-mnist');
const missing = await provideDataset(grok, config, async (name) => fs.promises.readFile(path.join(fashionDir, name)));
if (missing) fail(missing);
const session = new grok.Session();
const err = session.init(JSON.stringify(config));
if (err) fail(err);
// Like the native CLI: a run needs somewhere to go, checked before training, not after.
if (!out) fail('--out is required (the run file to write)');
try { fs.accessSync(path.dirname(path.resolve(out)), fs.constants.W_OK); } catch (e) {
  fail(`--out: cannot write ${out}: ${e.code === 'ENOENT' ? 'its directory does not exist' : e.message}`);
}
const cfg = JSON.parse(session.config());
while (!session.finished()) {
  session.run(cfg.eval_every);
  const m = JSON.parse(session.metricsSince(-1)).at(-1);
  process.stderr.write(`step ${m.step}  train_acc ${m.train_acc.toFixed(4)}  test_acc ${m.test_acc.toFixed(4)}\n`);
}
const run = JSON.parse(session.runJson());
try {
  fs.writeFileSync(`${out}.tmp`, JSON.stringify(run) + '\n');
  fs.renameSync(`${out}.tmp`, out);
} catch (e) { fail(`cannot write ${out}: ${e.message}`); }
const s = run.summary;
process.stderr.write(`done: ${s.steps} steps, memorized at ${s.memorize_step}, grokked at ${s.grok_step}, ${s.ms_per_step.toFixed(3)} ms/step\n`);
process.exit(s.diverged ? 3 : 0);
