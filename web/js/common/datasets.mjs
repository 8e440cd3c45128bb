// Datasets a WebAssembly core cannot read itself. The wasm build has no files and no zlib, so before
// a run on Fashion-MNIST the worker fetches the gzipped IDX files the site ships
// (web/data/fashion-mnist/: a subset made by scripts/make-fashion-subset), decompresses them with the
// platform's DecompressionStream and hands the bytes to the core (provideFashionMnistFile), which
// checks them and from then on loads them as it would load Debian's files natively. Shared by the
// pages' workers and scripts/wasm-train.mjs (Node), which differ only in how a file is read.
import { readUrlBytes } from './files.mjs';

// The site's copy, next to the pages: web/js/common/ -> web/data/fashion-mnist/.
export const FASHION_DIR_URL = new URL('../../data/fashion-mnist/', import.meta.url);

export async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// A file of the site's copy, same-origin and size-limited like every URL the pages read.
async function fetchSiteFile(name) {
  return (await readUrlBytes(name, FASHION_DIR_URL)).bytes;
}

// Which module instances already hold the files (each worker has its own instance).
const provided = new WeakSet();

// Makes `config`'s dataset available to module M. readFile(name) -> Promise<Uint8Array> of the gzip
// file (default: fetched from the site). Resolves to "" or one line saying which file failed and why.
export async function provideDataset(M, config, readFile = fetchSiteFile) {
  if (!config || config.dataset !== 'fashion-mnist' || provided.has(M)) return '';
  for (const name of JSON.parse(M.fashionMnistFiles())) {
    let bytes;
    try {
      bytes = await gunzip(await readFile(name));
    } catch (e) {
      return `fashion-mnist: ${name} could not be loaded (${(e && e.message) || e})`;
    }
    const err = M.provideFashionMnistFile(name, bytes);
    if (err) return err;
  }
  provided.add(M);
  return '';
}
