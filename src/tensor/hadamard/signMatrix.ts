import { RuntimeError } from '../../core/errors.ts';

/** A square ±1 matrix, row-major: `data[r * n + c]` ∈ {1, −1}. Shape [n, n]. */
export interface SignMatrix {
  readonly n: number;
  readonly data: Int8Array;
}

/** Builds a SignMatrix from `entry(r, c)`. */
export function signMatrix(n: number, entry: (r: number, c: number) => number): SignMatrix {
  const data = new Int8Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) data[r * n + c] = entry(r, c);
  return { n, data };
}

/** `H·Hᵀ = n·I` checked exactly in integers, and every entry ±1. */
export function isHadamard(h: SignMatrix): boolean {
  const { n, data } = h;
  for (let i = 0; i < n * n; i++) if (data[i] !== 1 && data[i] !== -1) return false;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      const a = i * n;
      const b = j * n;
      for (let k = 0; k < n; k++) dot += data[a + k] * data[b + k];
      if (dot !== (i === j ? n : 0)) return false;
    }
  }
  return true;
}

/** Throws unless `h` is a Hadamard matrix; returns it. `how` names the construction for the message. */
export function verifiedHadamard(h: SignMatrix, how: string): SignMatrix {
  if (!isHadamard(h)) {
    throw new RuntimeError(`${how} did not produce a Hadamard matrix of order ${h.n} (H·Hᵀ ≠ n·I); this should never happen`);
  }
  return h;
}

/** Kronecker product `a ⊗ b`, order a.n·b.n. */
export function kronecker(a: SignMatrix, b: SignMatrix): SignMatrix {
  const n = a.n * b.n;
  const data = new Int8Array(n * n);
  for (let ar = 0; ar < a.n; ar++)
    for (let ac = 0; ac < a.n; ac++) {
      const s = a.data[ar * a.n + ac];
      for (let br = 0; br < b.n; br++) {
        const row = (ar * b.n + br) * n + ac * b.n;
        for (let bc = 0; bc < b.n; bc++) data[row + bc] = s * b.data[br * b.n + bc];
      }
    }
  return { n, data };
}

/** Transpose. */
function transposeSign(h: SignMatrix): SignMatrix {
  return signMatrix(h.n, (r, c) => h.data[c * h.n + r]);
}

/** Dense Float64Array copy, optionally scaled (e.g. 1/√n). */
export function toDense(h: SignMatrix, scale = 1): Float64Array {
  const out = new Float64Array(h.data.length);
  for (let i = 0; i < out.length; i++) out[i] = h.data[i] * scale;
  return out;
}
