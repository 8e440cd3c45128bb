// index.html: the full page. Settings live in the URL hash (#preset=browser&lr=0.003); ?run=URL or
// ?sweep=URL opens a same-origin run file or sweep summary on load.
import { Lab, addressParams } from './controller.mjs';
import { foldOnPhones } from '../common/layout.mjs';

const readParams = addressParams;
let lastHash = location.hash;
const writeParams = (params) => {
  const hash = `#${params}`;
  if (hash === location.hash) return;
  history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
  lastHash = location.hash;
};

foldOnPhones();
const lab = new Lab({ readParams, writeParams });
lab.start().then(async () => {
  const simd = lab.client && (await lab.client.ready.catch(() => null))?.simd;
  const el = document.querySelector('[data-role="simd"]');
  if (el && simd) el.textContent = `Eigen vector code in use: ${simd}`;
});

// Someone edited the address by hand (or followed a link to another hash): apply it.
addEventListener('hashchange', () => {
  if (location.hash === lastHash || !lab.schema) return;
  lastHash = location.hash;
  lab.applyParams(readParams());
});
