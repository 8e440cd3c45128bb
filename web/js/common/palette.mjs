// Okabe-Ito colours (safe for the common colour-vision deficiencies) and the viridis ramp for
// heatmaps. Lines that must be told apart also differ by dash pattern.
export const OKABE_ITO = {
  orange: '#E69F00', skyBlue: '#56B4E9', bluishGreen: '#009E73', yellow: '#F0E442',
  blue: '#0072B2', vermillion: '#D55E00', reddishPurple: '#CC79A7', black: '#000000',
};

export const SERIES = {
  train: { color: OKABE_ITO.blue, dash: [] },             // solid
  test: { color: OKABE_ITO.vermillion, dash: [7, 4] },    // dashed
  norm: { color: OKABE_ITO.bluishGreen, dash: [] },
  memorized: { color: OKABE_ITO.orange, dash: [2, 3] },   // dotted marker
  grokked: { color: OKABE_ITO.reddishPurple, dash: [9, 4] },
  restricted: { color: OKABE_ITO.skyBlue, dash: [] },       // progress measures (Nanda et al. 2023)
  excluded: { color: OKABE_ITO.orange, dash: [7, 4] },
  testThin: { color: OKABE_ITO.vermillion, dash: [2, 3] },
  gini: { color: OKABE_ITO.black, dash: [10, 3, 2, 3] },
};

// viridis at 9 stops; perceptually uniform and readable in grey scale.
const VIRIDIS = [[68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
                 [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37]];

export function viridis(t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x)), f = x - i;
  const c = VIRIDIS[i].map((v, k) => Math.round(v + f * (VIRIDIS[i + 1][k] - v)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}
