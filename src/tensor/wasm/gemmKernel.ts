import { I32, V128, assembleModule, op, uleb, type MemoryImport, type ValType } from './emitter.ts';

/**
 * Assembles the WebAssembly-SIMD float32 matrix-product kernel (the driver, packing and a bit-identical
 * TypeScript twin are in gemm.ts):
 *
 *   gemm(c, ldc, ap, bp, mTiles, nTiles, k)      (all i32; c, ap, bp byte offsets; ldc a byte stride)
 *
 * C[4i + r][8j + q] −= Σ_p Ap[i][p][r] · Bp[j][p][q] for i < mTiles, j < nTiles, r < 4, q < 8: A packed in
 * tiles of 4 rows ([mTiles][k][4] float32), B in tiles of 8 columns ([nTiles][k][8]), C row-major float32
 * with row stride ldc. Requires mTiles, nTiles, k ≥ 1.
 *
 * Register tiling: one 4×8 tile of C lives in 8 f32x4 accumulators for the whole sum over p; per p it loads
 * two vectors of B and splats four values of A (v128.load32_splat), 8 multiplies and 8 adds (f32x4, no FMA,
 * so every lane is the IEEE float32 `acc = acc + a·b` in ascending p). Then C −= acc, one subtraction per
 * entry. Loop order: i outer, j inner, so one A tile (k·16 bytes) stays in L1 while the caller's B chunk
 * streams from L2.
 */
export function gemmKernelBytes(memory: MemoryImport): Uint8Array {
  const C = 0, LDC = 1, AP = 2, BP = 3, MT = 4, NT = 5, K = 6;
  const I = 7, J = 8, AT = 9, BT = 10, CROW = 11, CT = 12, PA = 13, PB = 14, PEND = 15, KA = 16, KB = 17, T = 18;
  const ACC = 19; // 8 accumulators: ACC + 2r + h
  const B0 = 27, B1 = 28, AV = 29;
  const g = op.localGet, s = op.localSet;
  const load32Splat = (offset: number): number[] => [0xfd, 0x09, 2, ...uleb(offset)];
  const zero = (): number[] => op.v128Const(new Float32Array(4));

  const microkernel: number[][] = [];
  for (let a = 0; a < 8; a++) microkernel.push(zero(), s(ACC + a));
  microkernel.push(g(AT), s(PA), g(BT), s(PB), g(BT), g(KB), op.i32Add(), s(PEND));
  microkernel.push(op.loop());
  microkernel.push(g(PB), op.v128Load(0), s(B0), g(PB), op.v128Load(16), s(B1));
  for (let r = 0; r < 4; r++) {
    microkernel.push(g(PA), load32Splat(4 * r), s(AV));
    microkernel.push(g(ACC + 2 * r), g(AV), g(B0), op.f32x4Mul(), op.f32x4Add(), s(ACC + 2 * r));
    microkernel.push(g(ACC + 2 * r + 1), g(AV), g(B1), op.f32x4Mul(), op.f32x4Add(), s(ACC + 2 * r + 1));
  }
  microkernel.push(g(PA), op.i32Const(16), op.i32Add(), s(PA));
  microkernel.push(g(PB), op.i32Const(32), op.i32Add(), op.localTee(PB), g(PEND), op.i32LtU(), op.brIf(0));
  microkernel.push(op.end());
  // C −= acc, row by row
  microkernel.push(g(CT), s(T));
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      microkernel.push(g(T), g(T), op.v128Load(16 * h), g(ACC + 2 * r + h), op.f32x4Sub(), op.v128Store(16 * h));
    }
    if (r < 3) microkernel.push(g(T), g(LDC), op.i32Add(), s(T));
  }

  const body: number[][] = [
    g(K), op.i32Const(4), op.i32Shl(), s(KA),
    g(K), op.i32Const(5), op.i32Shl(), s(KB),
    g(AP), s(AT), g(C), s(CROW), op.i32Const(0), s(I),
    op.loop(),
    g(BP), s(BT), g(CROW), s(CT), op.i32Const(0), s(J),
    op.loop(),
    ...microkernel,
    g(CT), op.i32Const(32), op.i32Add(), s(CT),
    g(BT), g(KB), op.i32Add(), s(BT),
    g(J), op.i32Const(1), op.i32Add(), op.localTee(J), g(NT), op.i32LtU(), op.brIf(0),
    op.end(),
    g(AT), g(KA), op.i32Add(), s(AT),
    g(CROW), g(LDC), op.i32Const(2), op.i32Shl(), op.i32Add(), s(CROW),
    g(I), op.i32Const(1), op.i32Add(), op.localTee(I), g(MT), op.i32LtU(), op.brIf(0),
    op.end(),
  ];
  const locals: ValType[] = [...Array<ValType>(T - I + 1).fill(I32), ...Array<ValType>(AV - ACC + 1).fill(V128)];
  return assembleModule(memory, [{ name: 'gemm', params: [I32, I32, I32, I32, I32, I32, I32], results: [], locals, body }]);
}
