// Loads the wasm core (build/web/grok.mjs) under Node. Emscripten 3.1.6's EXPORT_ES6 output assumes
// CommonJS globals (__dirname, require) when it runs under Node, and Node 20's fetch() cannot read a
// file path (toolchain-notes quirk 4), so we provide both and hand it the .wasm bytes ourselves.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function loadGrokWasm(dir = path.join(root, 'build', 'web')) {
  const siteDir = path.resolve(dir);  // createRequire needs an absolute path; GROK_SITE_DIR may be relative
  const js = path.join(siteDir, 'grok.mjs');
  if (!fs.existsSync(js)) throw new Error(`${js} not found: build first (./scripts/build wasm)`);
  globalThis.__dirname ??= siteDir;
  globalThis.require ??= createRequire(js);
  const { default: createGrokModule } = await import(pathToFileURL(js).href);
  return createGrokModule({ wasmBinary: fs.readFileSync(path.join(siteDir, 'grok.wasm')) });
}
