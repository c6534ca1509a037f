import type { SignMatrix } from './signMatrix.ts';

/**
 * First rows of the Williamson/Goethals–Seidel circulants, verbatim from spinquant.md §9 (`+` = 1, `-` = −1).
 * These are the spec's parameters, not matrix tables: with them the arrays reproduce the reference's matrices.
 */
export const WILLIAMSON_ROWS: Readonly<Record<number, readonly [string, string, string, string]>> = {
  92: ['+++-+++-+------+-+++-++', '+++---++-+-++-+-++---++', '+-++-++--++++++--++-++-', '++---+---+-++-+---+---+'],
  116: [
    '++--+--+-+++-++++-+++-+--+--+',
    '++++-++-+---++++++---+-++-+++',
    '+-+---++--+-++++++-+--++---+-',
    '+++---++--+-+----+-+--++---++',
  ],
  156: [
    '+++--+-+-----+--++----++--+-----+-+--++',
    '++++---+--++----+-+--+-+----++--+---+++',
    '+++--++-+---+-+--+----+--+-+---+-++--++',
    '+---++-+-+-----+++-++-+++-----+-+-++---',
  ],
  172: [
    '+---++--++++-+-+++-++--++-+++-+-++++--++---',
    '++-++++++----+-+--++-++-++--+-+----++++++-+',
    '+++-+-++--+-+-++++-+----+-++++-+-+--++-+-++',
    '++---++++-+--+--++--------++--+--+-++++---+',
  ],
};

export const GOETHALS_SEIDEL_ROWS: Readonly<Record<number, readonly [string, string, string, string]>> = {
  188: [
    '+-+----+--+----++---++++---+-+----++++++--+---+',
    '-+-++++-++-++++--+++---+---+-+----++++++--+---+',
    '+---+--+-+-+++-++-+--++---+---+-----+++-+--+--+',
    '-+++-++-+-+---+--+-++-----+---+-----+++-+--+--+',
  ],
  236: [
    '+++++-++++-+--++--++++-+---+-++++-+---+-++---+--++++-++++--',
    '-++++-++++-+--++--++++-+---+-++-++++-++++--+---++-+---+-++-',
    '-----+----+-++--++----+-+++-+-+++-+---+-++---+--++++-++++--',
    '-++++-++++-+--++--++++-+---+-+-+----+----++-+++--+-+++-+--+',
  ],
};

/** Circulant `m×m` from a ±1 string: row r, column c holds `seq[(c − r) mod m]`. */
export function circulant(seq: string): Int8Array {
  const m = seq.length;
  const out = new Int8Array(m * m);
  for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) out[r * m + c] = seq[(c - r + m) % m] === '+' ? 1 : -1;
  return out;
}

/** Places sixteen `m×m` blocks (given as a 4×4 grid of (r, c) → value functions) into a `4m` matrix. */
export function placeBlocks(m: number, grid: ((r: number, c: number) => number)[][]): SignMatrix {
  const n = 4 * m;
  const data = new Int8Array(n * n);
  for (let br = 0; br < 4; br++)
    for (let bc = 0; bc < 4; bc++)
      for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) data[(br * m + r) * n + bc * m + c] = grid[br][bc](r, c);
  return { n, data };
}

/**
 * Williamson array (order 4m) from symmetric circulants A, B, C, D:
 * `[[A, B, C, D], [−B, A, −D, C], [−C, D, A, −B], [−D, −C, B, A]]`.
 */
export function williamson(order: number): SignMatrix {
  const rows = WILLIAMSON_ROWS[order];
  if (!rows) throw new RangeError(`no Williamson parameters for order ${order}`);
  const m = order / 4;
  const [A, B, C, D] = rows.map(circulant);
  const at = (X: Int8Array, s: number) => (r: number, c: number) => s * X[r * m + c];
  return placeBlocks(m, [
    [at(A, 1), at(B, 1), at(C, 1), at(D, 1)],
    [at(B, -1), at(A, 1), at(D, -1), at(C, 1)],
    [at(C, -1), at(D, 1), at(A, 1), at(B, -1)],
    [at(D, -1), at(C, -1), at(B, 1), at(A, 1)],
  ]);
}
