import { F32, I32, V128, assembleModule, f32Lanes, op, type MemoryImport, type ValType } from './emitter.ts';

/**
 * Assembles the SIMD FWHT kernel:
 *
 *   fwht(ptr: i32, block: i32, count: i32, scale: f32)
 *
 * transforms `count` consecutive float32 blocks of `block` values (a power of two ≥ 4) starting at byte
 * `ptr` of the imported memory, in place: `v := v·S_block·scale`. Buffer: memory[ptr .. ptr + 4·block·count),
 * 16-byte aligned. Steps per block:
 * 1. one pass over the vectors does stages h = 1 and 2 inside each f32x4 with shuffles, and the scaling;
 * 2. one radix-2 stage at h = 4 when the number of remaining stages is odd;
 * 3. radix-4 passes (two stages per pass: four loads, eight add/sub, four stores per vector) up to the block.
 * The block stays in L1 (4096 floats = 16 KiB) through all stages.
 */
export function fwhtKernelBytes(memory: MemoryImport): Uint8Array {
  // locals: params 0 ptr, 1 block (reused as blockBytes), 2 count, 3 scale;
  const END = 4, BASE = 5, BEND = 6, H = 7, I = 8, J = 9, JEND = 10, H2 = 11, H3 = 12, STRIDE = 13;
  const A = 14, B = 15, C = 16, D = 17, M1 = 18, M2 = 19, SV = 20, T = 21, V = 22;
  const g = op.localGet;
  const s = op.localSet;
  const load = (addr: number[], into: number): number[][] => [addr, op.v128Load(), s(into)];
  const shuffle = (v: number, lanes: [number, number, number, number], into: number): number[][] => [
    g(v), g(v), op.i8x16Shuffle(f32Lanes(lanes)), s(into),
  ];
  const add = (x: number, y: number): number[][] => [g(x), g(y), op.f32x4Add()];
  const sub = (x: number, y: number): number[][] => [g(x), g(y), op.f32x4Sub()];
  const jPlus = (h: number | null): number[] => (h === null ? g(J) : [...g(J), ...g(h), ...op.i32Add()]);

  const body: number[][] = [
    // blockBytes = block << 2; end = ptr + count * blockBytes
    g(1), op.i32Const(2), op.i32Shl(), s(1),
    g(0), g(2), g(1), op.i32Mul(), op.i32Add(), s(END),
    op.v128Const(Float32Array.of(1, -1, 1, -1)), s(M1),
    op.v128Const(Float32Array.of(1, 1, -1, -1)), s(M2),
    g(3), op.f32x4Splat(), s(SV),
    g(0), s(BASE),
    op.block(), op.loop(), // $blocks
    g(BASE), g(END), op.i32GeU(), op.brIf(1),
    g(BASE), g(1), op.i32Add(), s(BEND),
    // 1. stages h = 1, 2 and scale
    g(BASE), s(J),
    op.loop(),
    ...load(g(J), V),
    ...shuffle(V, [0, 0, 2, 2], A), ...shuffle(V, [1, 1, 3, 3], B),
    g(A), g(B), g(M1), op.f32x4Mul(), op.f32x4Add(), s(V),
    ...shuffle(V, [0, 1, 0, 1], A), ...shuffle(V, [2, 3, 2, 3], B),
    g(J), g(A), g(B), g(M2), op.f32x4Mul(), op.f32x4Add(), g(SV), op.f32x4Mul(), op.v128Store(),
    g(J), op.i32Const(16), op.i32Add(), op.localTee(J), g(BEND), op.i32LtU(), op.brIf(0),
    op.end(),
    op.i32Const(16), s(H),
    // 2. one radix-2 stage when log2(blockBytes) − 4 is odd
    g(1), [0x68] /* i32.ctz */, op.i32Const(1), [0x71] /* i32.and */, [0x45] /* i32.eqz */, [0x04, 0x40] /* if */,
    [0x05] /* else */,
    g(BASE), s(I),
    op.loop(),
    g(I), s(J), g(I), g(H), op.i32Add(), s(JEND),
    op.loop(),
    ...load(jPlus(null), A), ...load(jPlus(H), B),
    jPlus(null), ...add(A, B), op.v128Store(),
    jPlus(H), ...sub(A, B), op.v128Store(),
    g(J), op.i32Const(16), op.i32Add(), op.localTee(J), g(JEND), op.i32LtU(), op.brIf(0),
    op.end(),
    g(I), g(H), op.i32Const(1), op.i32Shl(), op.i32Add(), op.localTee(I), g(BEND), op.i32LtU(), op.brIf(0),
    op.end(),
    op.i32Const(32), s(H),
    op.end(), // if
    // 3. radix-4 passes while h < blockBytes
    op.block(), op.loop(),
    g(H), g(1), op.i32GeU(), op.brIf(1),
    g(H), op.i32Const(1), op.i32Shl(), s(H2),
    g(H2), g(H), op.i32Add(), s(H3),
    g(H), op.i32Const(2), op.i32Shl(), s(STRIDE),
    g(BASE), s(I),
    op.loop(),
    g(I), s(J), g(I), g(H), op.i32Add(), s(JEND),
    op.loop(),
    ...load(jPlus(null), A), ...load(jPlus(H), B), ...load(jPlus(H2), C), ...load(jPlus(H3), D),
    ...add(A, B), s(T), ...sub(A, B), s(B), g(T), s(A),
    ...add(C, D), s(T), ...sub(C, D), s(D), g(T), s(C),
    jPlus(null), ...add(A, C), op.v128Store(),
    jPlus(H2), ...sub(A, C), op.v128Store(),
    jPlus(H), ...add(B, D), op.v128Store(),
    jPlus(H3), ...sub(B, D), op.v128Store(),
    g(J), op.i32Const(16), op.i32Add(), op.localTee(J), g(JEND), op.i32LtU(), op.brIf(0),
    op.end(),
    g(I), g(STRIDE), op.i32Add(), op.localTee(I), g(BEND), op.i32LtU(), op.brIf(0),
    op.end(),
    g(STRIDE), s(H),
    op.br(0),
    op.end(), op.end(),
    g(BEND), s(BASE),
    op.br(0),
    op.end(), op.end(), // $blocks
  ];
  const locals: ValType[] = [...Array<ValType>(STRIDE - END + 1).fill(I32), ...Array<ValType>(V - A + 1).fill(V128)];
  return assembleModule(memory, [{ name: 'fwht', params: [I32, I32, I32, F32], results: [], locals, body }]);
}
