/** Colour-blind-safe palette (Okabe–Ito), in series order; repeats past eight series. */
export const COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
