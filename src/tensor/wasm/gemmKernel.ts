import { I32, V128, assembleModule, op, uleb, type MemoryImport, type ValType } from './emitter.ts';

/**
 * Assembles the WebAssembly-SIMD float32 matrix-product kernel (the driver, packing and a bit-identical
 * TypeScript twin are in gemm.ts):
 *
 *   gemm(c, ldc, ap, aStride, bp, bStride, mTiles, nTiles, k)   (all i32; c, ap, bp byte offsets; strides in bytes)
 *
 * C[4i + r][8j + q] −= Σ_p Ap[i][p][r] · Bp[j][p][q] for i < mTiles, j < nTiles, r < 4, q < 8, p < k: A packed
 * in tiles of 4 rows (tile i at ap + i·aStride, then k × 4 float32), B in tiles of 8 columns (tile j at
 * bp + j·bStride, then k × 8), C row-major float32 with row stride ldc. A tile stride longer than k's lets
 * a caller pack an operand once and run on a range of its inner dimension. Requires mTiles, nTiles, k ≥ 1.
 *
 * Register tiling: one 4×8 tile of C lives in 8 f32x4 accumulators for the whole sum over p; per p it loads
 * two vectors of B and splats four values of A (v128.load32_splat), 8 multiplies and 8 adds (f32x4, no FMA,
 * so every lane is the IEEE float32 `acc = acc + a·b` in ascending p). Then C −= acc, one subtraction per
 * entry. Loop order: i outer, j inner, so one A tile (k·16 bytes) stays in L1 while the caller's B chunk
 * streams from L2.
 */
/** Rows of A (and C) per register tile. */
export const MR = 4;

export function gemmKernelBytes(memory: MemoryImport): Uint8Array {
  const C = 0, LDC = 1, AP = 2, KA = 3, BP = 4, KB = 5, MT = 6, NT = 7, K = 8;
  const I = 9, J = 10, AT = 11, BT = 12, CROW = 13, CT = 14, PA = 15, PB = 16, PEND = 17, BLEN = 18, T = 19;
  const ACC = 20; // 2·MR accumulators: ACC + 2r + h
  const B0 = ACC + 2 * MR, B1 = B0 + 1, AV = B0 + 2;
  const g = op.localGet, s = op.localSet;
  const load32Splat = (offset: number): number[] => [0xfd, 0x09, 2, ...uleb(offset)];
  const zero = (): number[] => op.v128Const(new Float32Array(4));

  const microkernel: number[][] = [];
  for (let a = 0; a < 2 * MR; a++) microkernel.push(zero(), s(ACC + a));
  microkernel.push(g(AT), s(PA), g(BT), s(PB), g(BT), g(BLEN), op.i32Add(), s(PEND));
  microkernel.push(op.loop());
  microkernel.push(g(PB), op.v128Load(0), s(B0), g(PB), op.v128Load(16), s(B1));
  for (let r = 0; r < MR; r++) {
    microkernel.push(g(PA), load32Splat(4 * r), s(AV));
    microkernel.push(g(ACC + 2 * r), g(AV), g(B0), op.f32x4Mul(), op.f32x4Add(), s(ACC + 2 * r));
    microkernel.push(g(ACC + 2 * r + 1), g(AV), g(B1), op.f32x4Mul(), op.f32x4Add(), s(ACC + 2 * r + 1));
  }
  microkernel.push(g(PA), op.i32Const(4 * MR), op.i32Add(), s(PA));
  microkernel.push(g(PB), op.i32Const(32), op.i32Add(), op.localTee(PB), g(PEND), op.i32LtU(), op.brIf(0));
  microkernel.push(op.end());
  // C −= acc, row by row
  microkernel.push(g(CT), s(T));
  for (let r = 0; r < MR; r++) {
    for (let h = 0; h < 2; h++) {
      microkernel.push(g(T), g(T), op.v128Load(16 * h), g(ACC + 2 * r + h), op.f32x4Sub(), op.v128Store(16 * h));
    }
    if (r < MR - 1) microkernel.push(g(T), g(LDC), op.i32Add(), s(T));
  }

  const body: number[][] = [
    g(K), op.i32Const(5), op.i32Shl(), s(BLEN),
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
    g(CROW), g(LDC), op.i32Const(MR), op.i32Mul(), op.i32Add(), s(CROW),
    g(I), op.i32Const(1), op.i32Add(), op.localTee(I), g(MT), op.i32LtU(), op.brIf(0),
    op.end(),
  ];
  const locals: ValType[] = [...Array<ValType>(T - I + 1).fill(I32), ...Array<ValType>(AV - ACC + 1).fill(V128)];
  return assembleModule(memory, [{ name: 'gemm', params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [], locals, body }]);
}
