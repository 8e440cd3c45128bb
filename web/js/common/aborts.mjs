// What an abort of the wasm instance means, in words a reader can act on: {error, kind, raw}.
// Emscripten's own text ("Aborted(). Build with -s ASSERTIONS=1 for more info.") says nothing to a
// reader; an allocation that fails aborts the same way, so a heap near the 2 GB a module may grow
// to (heapBytes) is read as running out of memory. A bare number is a C++ exception escaping (the
// wasm build compiles catching out, for speed, so a throw reaches JS as the exception's address);
// the core throws none of its own, so it is the standard library's std::bad_alloc: the heap could
// not grow by the block asked for, even when it is still well under 2 GB.
export const MAX_HEAP_BYTES = 2 ** 31;
export function explainAbort(raw, heapBytes = 0) {
  const memory = /^\d+$/.test(raw) || /enlarge memory|maximum memory|out of memory|memory\.grow|allocation failed|bad_alloc/i.test(raw) ||
    heapBytes >= 0.75 * MAX_HEAP_BYTES;
  if (memory) return { kind: 'memory', raw, error: 'it ran out of memory (a page may use at most 2 GB)' };
  if (/^Aborted\(|ASSERTIONS|unreachable|RuntimeError/.test(raw))
    return { kind: 'internal', raw, error: `it stopped on an internal error (${raw.replace(/\. Build with -s ASSERTIONS=1 for more info\.?/, '')})` };
  return { kind: 'other', raw, error: raw };
}
