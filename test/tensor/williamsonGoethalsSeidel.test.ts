import { describe, expect, it } from 'vitest';
import { GOETHALS_SEIDEL_ROWS, WILLIAMSON_ROWS, goethalsSeidel, isHadamard, williamson } from '../../src/tensor/index.ts';

describe('Williamson and Goethals–Seidel arrays from the spec first rows', () => {
  it('Williamson rows are symmetric (seq[k] = seq[m − k]) and give Hadamard matrices', () => {
    for (const [order, rows] of Object.entries(WILLIAMSON_ROWS)) {
      const m = Number(order) / 4;
      for (const seq of rows) {
        expect(seq.length).toBe(m);
        for (let k = 1; k < m; k++) expect(seq[k]).toBe(seq[m - k]);
      }
      expect(isHadamard(williamson(Number(order)))).toBe(true);
    }
  });

  it('Goethals–Seidel orders 188 and 236 are Hadamard', () => {
    for (const order of Object.keys(GOETHALS_SEIDEL_ROWS).map(Number)) {
      expect(isHadamard(goethalsSeidel(order))).toBe(true);
    }
  });

  it('Williamson first row of order 92 is the spec A row', () => {
    const h = williamson(92);
    const row = Array.from(h.data.subarray(0, 23), (v) => (v > 0 ? '+' : '-')).join('');
    expect(row).toBe(WILLIAMSON_ROWS[92][0]);
  });
});
