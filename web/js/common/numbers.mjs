// Extremes of long arrays. Math.max(...values) passes every value as an argument and throws
// "Maximum call stack size exceeded" past about 100k of them (a long replayed run), so charts use
// these loops instead.
export function maxOf(values, init = -Infinity) {
  let m = init;
  for (const v of values) if (v > m) m = v;
  return m;
}

export function minOf(values, init = Infinity) {
  let m = init;
  for (const v of values) if (v < m) m = v;
  return m;
}
