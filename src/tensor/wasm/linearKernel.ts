import { I32, V128, assembleModule, op, type MemoryImport, type ValType } from './emitter.ts';

/**
 * Assembles the WebAssembly-SIMD Linear kernel:
 *
 *   linear(x, w, b, out, T, n, nPairs)      (all i32; x, w, b, out are byte offsets into the imported memory)
 *
 * out (T, 2·nPairs) = x (T, n) · Wᵀ + b in float64, with x row-major f64 (T, n), W row-major f64 rows, b f64
 * (2·nPairs). Output rows are taken in pairs (2p, 2p+1): row 2p at w + 2p·n·8 and row 2p+1 right after it,
 * so W must hold 2·nPairs rows (an odd row count is padded by the caller). Requires n ≥ 1.
 *
 * Each f64x2 lane is one output y[t][i], summed exactly like the TypeScript `linearRows`:
 * acc = +0; for j = 0..n-1: acc = acc + w[i][j]·x[t][j] (a separate f64 mul and f64 add, no FMA); then
 * y = acc + b[i]. Vectorised only ACROSS outputs (two rows per vector), so every output keeps its sequential
 * float64 sum and the result is bit-identical to the JS-number accumulation for float32 and float64 data
 * (float32 → float64 is exact; the caller rounds float32 outputs like a typed-array store).
 *
 * Blocking: 4 tokens × 2 row pairs (8 accumulators, 16 outputs) per pass over j; per j it loads the two
 * pairs' weights (load64_splat of row 2p, load64_lane of row 2p+1) and splats one x value per token.
 * Token remainders (1–3, a decoder's single row) and a last odd pair get their own specialised blocks.
 */
export function linearKernelBytes(memory: MemoryImport): Uint8Array {
  // params
  const X = 0, W = 1, B = 2, OUT = 3, T = 4, N = 5, NP = 6;
  // i32 locals
  const XS = 7, OS = 8, WS2 = 9, XT = 10, OT = 11, T0 = 12, P = 13, WP = 14, BP = 15, OC = 16, XEND = 17;
  const XR = [18, 19, 20, 21], WQ = [22, 23], TMP = 24;
  // v128 locals
  const ACC0 = 25; // 8 accumulators: ACC0 + r*2 + q
  const WV = [33, 34], XV = 35;
  const g = op.localGet, s = op.localSet;
  const f64x2Add = (): number[] => [0xfd, 0xf0, 0x01];
  const f64x2Mul = (): number[] => [0xfd, 0xf2, 0x01];
  const load64Splat = (): number[] => [0xfd, 0x0a, 3, 0];
  const load64Lane1 = (): number[] => [0xfd, 0x57, 3, 0, 1];
  const i32GtU = (): number[] => [0x4b];
  const i32Eq = (): number[] => [0x46];
  const zero = (): number[] => op.v128Const(new Float32Array(4));

  /** R tokens (rows XT.., outputs OT..) × Q row pairs at WP/BP/OC: the full sum over j, then + b and store. */
  const block = (R: number, Q: number): number[][] => {
    const code: number[][] = [];
    for (let r = 0; r < R; r++) for (let q = 0; q < Q; q++) code.push(zero(), s(ACC0 + r * 2 + q));
    // x row pointers: XR[r] = XT + r·XS; weight pair pointers: WQ[q] = WP + q·WS2
    code.push(g(XT), s(XR[0]));
    for (let r = 1; r < R; r++) code.push(g(XR[r - 1]), g(XS), op.i32Add(), s(XR[r]));
    code.push(g(WP), s(WQ[0]));
    for (let q = 1; q < Q; q++) code.push(g(WQ[q - 1]), g(WS2), op.i32Add(), s(WQ[q]));
    code.push(g(XT), g(XS), op.i32Add(), s(XEND));
    code.push(op.loop());
    for (let q = 0; q < Q; q++) {
      // (w[2p][j], w[2p+1][j]): row 2p+1 starts n·8 bytes after row 2p
      code.push(g(WQ[q]), load64Splat(), s(WV[q]));
      code.push(g(WQ[q]), g(XS), op.i32Add(), g(WV[q]), load64Lane1(), s(WV[q]));
    }
    for (let r = 0; r < R; r++) {
      code.push(g(XR[r]), load64Splat(), s(XV));
      for (let q = 0; q < Q; q++) {
        const a = ACC0 + r * 2 + q;
        code.push(g(a), g(WV[q]), g(XV), f64x2Mul(), f64x2Add(), s(a));
      }
    }
    for (let q = 0; q < Q; q++) code.push(g(WQ[q]), op.i32Const(8), op.i32Add(), s(WQ[q]));
    for (let r = 1; r < R; r++) code.push(g(XR[r]), op.i32Const(8), op.i32Add(), s(XR[r]));
    code.push(g(XR[0]), op.i32Const(8), op.i32Add(), op.localTee(XR[0]), g(XEND), op.i32LtU(), op.brIf(0));
    code.push(op.end());
    // out[t0 + r][2(p+q) ..] = acc + b
    code.push(g(OC), s(TMP));
    for (let r = 0; r < R; r++) {
      for (let q = 0; q < Q; q++) {
        code.push(g(TMP), g(ACC0 + r * 2 + q), g(BP), op.v128Load(16 * q), f64x2Add(), op.v128Store(16 * q));
      }
      if (r + 1 < R) code.push(g(TMP), g(OS), op.i32Add(), s(TMP));
    }
    return code;
  };

  /** All row pairs for R tokens at XT / OT: pairs two at a time, then a last single pair. */
  const tokens = (R: number): number[][] => [
    op.i32Const(0), s(P), g(W), s(WP), g(B), s(BP), g(OT), s(OC),
    op.block(), op.loop(),
    g(P), op.i32Const(2), op.i32Add(), g(NP), i32GtU(), op.brIf(1),
    ...block(R, 2),
    g(P), op.i32Const(2), op.i32Add(), s(P),
    g(WP), g(WS2), op.i32Const(1), op.i32Shl(), op.i32Add(), s(WP),
    g(BP), op.i32Const(32), op.i32Add(), s(BP),
    g(OC), op.i32Const(32), op.i32Add(), s(OC),
    op.br(0),
    op.end(), op.end(),
    g(P), g(NP), op.i32LtU(), [0x04, 0x40], // if a pair is left
    ...block(R, 1),
    op.end(),
  ];

  const body: number[][] = [
    g(N), op.i32Const(3), op.i32Shl(), s(XS), // x row bytes (= one W row)
    g(XS), op.i32Const(1), op.i32Shl(), s(WS2), // one W row pair
    g(NP), op.i32Const(4), op.i32Shl(), s(OS), // out row bytes
    g(X), s(XT), g(OUT), s(OT), op.i32Const(0), s(T0),
    // 4 tokens at a time
    op.block(), op.loop(),
    g(T0), op.i32Const(4), op.i32Add(), g(T), i32GtU(), op.brIf(1),
    ...tokens(4),
    g(T0), op.i32Const(4), op.i32Add(), s(T0),
    g(XT), g(XS), op.i32Const(2), op.i32Shl(), op.i32Add(), s(XT),
    g(OT), g(OS), op.i32Const(2), op.i32Shl(), op.i32Add(), s(OT),
    op.br(0),
    op.end(), op.end(),
    // 1–3 tokens left
    g(T), g(T0), op.i32Sub(), op.i32Const(3), i32Eq(), [0x04, 0x40], ...tokens(3), op.end(),
    g(T), g(T0), op.i32Sub(), op.i32Const(2), i32Eq(), [0x04, 0x40], ...tokens(2), op.end(),
    g(T), g(T0), op.i32Sub(), op.i32Const(1), i32Eq(), [0x04, 0x40], ...tokens(1), op.end(),
  ];
  const locals: ValType[] = [...Array<ValType>(TMP - XS + 1).fill(I32), ...Array<ValType>(XV - ACC0 + 1).fill(V128)];
  return assembleModule(memory, [
    { name: 'linear', params: [I32, I32, I32, I32, I32, I32, I32], results: [], locals, body },
  ]);
}
