import { gemmSubtract, packLeft, packRight, runPacked, type Arena } from '../wasm/gemm.ts';

/** Column panel width of the blocked Cholesky. */
const PANEL = 128;
/** Columns of the trailing update per product. */
const TRAILING = 256;
/** Order at or below which the triangular inverse runs forward substitution. */
const LEAF = 64;
/** Column (row) strip of the inverse's off-diagonal products, so the triangular factors' zeros are mostly skipped. */
const STRIP = 128;

/**
 * The float32 twin of inverseCholesky.ts, inside an arena: U with `H⁻¹ = Uᵀ·U` (upstream GPTQ computes it in
 * float32: `cholesky(cholesky_inverse(cholesky(H)), upper=True)`), by the same reversal identity — the
 * Cholesky factor L' of J·H·J, then U = J·L'⁻¹·J. Both steps are blocked so nearly all the work is float32
 * matrix products (gemm.ts); diagonal blocks (≤ PANEL, ≤ LEAF) run as loops summing in float64 and storing
 * float32. `entry(i, j)` gives H's upper triangle (i ≤ j; read row by row), so a caller can permute or patch H
 * on the way in.
 * @returns the arena offset of U ([n, n] row-major, stride n), or null when H is not positive definite.
 */
export function upperCholeskyOfInverse32(arena: Arena, n: number, entry: (i: number, j: number) => number, onStep?: (step: 'cholesky' | 'inverse') => void): number | null {
  const slack = 4 * n + 8;
  const a = arena.alloc(n * n, slack);
  let f = arena.f32;
  for (let i = 0; i < n; i++) {
    const dst = a + i * n;
    for (let j = 0; j <= i; j++) f[dst + j] = entry(n - 1 - i, n - 1 - j);
  }
  const ok = choleskyLower32(arena, a, n);
  onStep?.('cholesky');
  if (!ok) return null;
  const inv = arena.alloc(n * n, slack);
  invertBlock(arena, a, inv, n, 0, n);
  f = arena.f32;
  for (let i = 0; i < n; i++) {
    const src = inv + (n - 1 - i) * n + n - 1;
    const dst = a + i * n;
    f.fill(0, dst, dst + i);
    for (let j = i; j < n; j++) f[dst + j] = f[src - j];
  }
  arena.release(inv);
  onStep?.('inverse');
  return a;
}

/**
 * Cholesky `A = L·Lᵀ` in place on the arena matrix at `a` ([n, n], stride n; lower triangle read), blocked
 * right-looking: per panel, the diagonal block by the row loop, L21 = A21·L11⁻ᵀ and A22 −= L21·L21ᵀ (lower
 * part, in column chunks) as products. On success the strict upper triangle is zeroed.
 * @returns false when a pivot is ≤ 0 or not finite.
 */
export function choleskyLower32(arena: Arena, a: number, n: number): boolean {
  for (let k0 = 0; k0 < n; k0 += PANEL) {
    const k1 = Math.min(k0 + PANEL, n);
    const w = k1 - k0;
    if (!factorDiagonal(arena.f32, a, n, k0, w)) return false;
    if (k1 === n) break;
    const mark = arena.top;
    const d = arena.alloc(w * w, 4 * w + 8);
    invertDiagonal(arena.f32, a + k0 * n + k0, n, d, w, w);
    const m = n - k1;
    const panel = a + k1 * n + k0;
    // L21 = A21 · (L11⁻¹)ᵀ  (C = 0 − (−A21)·L11⁻ᵀ)
    gemmSubtract(arena, { offset: panel, stride: n }, { offset: panel, stride: n }, { offset: d, stride: w, trans: true }, m, w, w, { negate: true, overwrite: true });
    // A22 −= L21·L21ᵀ, lower part: L21 packed once as both operands, then column chunks from the diagonal down
    const left = packLeft(arena, { offset: panel, stride: n }, m, w);
    const right = packRight(arena, { offset: panel, stride: n, trans: true }, m, w);
    for (let j0 = k1; j0 < n; j0 += TRAILING) {
      const j1 = Math.min(j0 + TRAILING, n);
      runPacked(arena, { offset: a + j0 * n + j0, stride: n }, left, (j0 - k1) / 4, n - j0, right, (j0 - k1) / 8, j1 - j0, 0, w);
    }
    arena.release(mark);
  }
  const f = arena.f32;
  for (let i = 0; i < n; i++) f.fill(0, a + i * n + i + 1, a + (i + 1) * n);
  return true;
}

/** The w×w diagonal block at (k0, k0) by the row loop (float64 sums). */
function factorDiagonal(f: Float32Array, a: number, n: number, k0: number, w: number): boolean {
  for (let i = 0; i < w; i++) {
    const ri = a + (k0 + i) * n + k0;
    for (let j = 0; j <= i; j++) {
      const rj = a + (k0 + j) * n + k0;
      let s = f[ri + j];
      for (let k = 0; k < j; k++) s -= f[ri + k] * f[rj + k];
      if (j === i) {
        if (!(s > 0) || !Number.isFinite(s)) return false;
        f[ri + i] = Math.sqrt(s);
      } else f[ri + j] = s / f[rj + j];
    }
  }
  return true;
}

/** inv [w, w] (stride ld, upper part zero) = L⁻¹ of the lower block at `l` (stride n), by forward substitution. */
function invertDiagonal(f: Float32Array, l: number, n: number, inv: number, ld: number, w: number): void {
  const x = new Float64Array(w);
  for (let j = 0; j < w; j++) {
    x[j] = 1 / f[l + j * n + j];
    f[inv + j * ld + j] = x[j];
    for (let i = j + 1; i < w; i++) {
      const ri = l + i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= f[ri + k] * x[k];
      x[i] = s / f[ri + i];
      f[inv + i * ld + j] = x[i];
    }
  }
}

/**
 * Block [o, o+m) of L⁻¹ (L at `l`, result at `inv`, both [n, n] stride n; inv's block zeroed):
 * inv([A 0; B C]) = [A⁻¹ 0; C⁻¹·(−B·A⁻¹) C⁻¹], the two products in strips that skip the triangles' zeros.
 */
function invertBlock(arena: Arena, l: number, inv: number, n: number, o: number, m: number): void {
  if (m <= LEAF) {
    invertDiagonal(arena.f32, l + o * n + o, n, inv + o * n + o, n, m);
    return;
  }
  const m1 = Math.ceil(m / 2 / 16) * 16;
  const m2 = m - m1;
  const o2 = o + m1;
  invertBlock(arena, l, inv, n, o, m1);
  invertBlock(arena, l, inv, n, o2, m2);
  const mark = arena.top;
  const y = arena.alloc(m2 * m1, 4 * m1 + 8); // y = −B·A⁻¹ [m2, m1]
  const b = packLeft(arena, { offset: l + o2 * n + o, stride: n }, m2, m1);
  const aInv = packRight(arena, { offset: inv + o * n + o, stride: n }, m1, m1);
  for (let j0 = 0; j0 < m1; j0 += STRIP) {
    // y[:, j0:j1] = 0 − B[:, j0:] · A⁻¹[j0:, j0:j1]
    runPacked(arena, { offset: y + j0, stride: m1 }, b, 0, m2, aInv, j0 / 8, Math.min(STRIP, m1 - j0), j0, m1 - j0);
  }
  const cInv = packLeft(arena, { offset: inv + o2 * n + o2, stride: n }, m2, m2, -1);
  const yp = packRight(arena, { offset: y, stride: m1 }, m1, m2);
  for (let i0 = 0; i0 < m2; i0 += STRIP) {
    const i1 = Math.min(i0 + STRIP, m2);
    // inv[o2+i0 : o2+i1, o : o+m1] = 0 − (−C⁻¹[i0:i1, :i1]) · y[:i1, :]
    runPacked(arena, { offset: inv + (o2 + i0) * n + o, stride: n }, cInv, i0 / 4, i1 - i0, yp, 0, m1, 0, i1);
  }
  arena.release(mark);
}
