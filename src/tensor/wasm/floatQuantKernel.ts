import { F32, I32, V128, assembleModule, f32Lanes, op, type MemoryImport, type ValType, type WasmFunction } from './emitter.ts';

/**
 * Assembles the WebAssembly-SIMD float fake-quantization kernels (NVFP4, MX, FP8 group/channel/block/tensor),
 * in place on float32 data in the imported memory, bit-identical to the float32 paths of kernels/fp4.ts,
 * mx.ts, fp8.ts and fp8Block.ts:
 *
 *   nvfp4(ptr, scales, groups, groupSize, g: f32)   mx4 / mx8 / fp8Group / fp8Channel(ptr, scales, groups, groupSize)
 *   e4m3Keep0(ptr, rows, widthBytes, strideBytes, scale: f32): elements with one given scale, −0 kept
 *   fp8Blocks(ptr, scales, rows, cols, blockCols): FP8 block quantization of `rows` whole rows of `cols` floats
 *   (a multiple of 4, as `blockCols`), one block per `blockCols` columns (the last one partial), scales
 *   `amax/448` (0 → 2⁻²³, NaN-ignoring amax, −0 folded): one block row of `fakeQuantizeFp8Block`
 *   range(ptr, bytes, out): the smallest and largest value (NaN ignored) of floats at ptr, folded into the two
 *   floats at `out` (which the caller seeds with +∞, −∞ or the previous chunk's result)
 *   absMax(ptr, bytes, out): `Math.max` of |x| over floats at ptr (NaN if any is NaN), folded into the float at
 *   `out` (seeded with 0 or the previous chunk's result): FP8 per tensor's amax
 *
 *   nvfp4Quad(…, g) / mx4Quad / mx8Quad / fp8GroupQuad(ptr, scales, groups, groupSize): the same, four groups a
 *   time (`groups` a multiple of 4, `groupSize` of 16): the four amaxes reduced into one vector, the four scales
 *   computed as one vector, element loops unrolled by four vectors; all quads' scales first, then all elements.
 *
 * Group functions: per group of `groupSize` floats (a multiple of 4) the amax, the scale of the format (its
 * stored value to `scales`, 4 bytes per group), then every element `q(clamp(x/s, ±max))·s`, all in float32
 * arithmetic, which is what the TypeScript loops' `Math.fround` after every operation computes.
 * Element rounding without a table or a logarithm: `|v| + C − C` with `C = 2^(e + 23 − mantissaBits)`, `e` the
 * exponent of |v| (at least the format's smallest normal exponent), rounds |v| to the format's grid ties-to-even
 * in float32's own adder; the sign goes back on with a bit-or.
 * Two variants mirror the TypeScript: amax ignoring NaN (`a > m`) or propagating it (`Math.max`), and a zero
 * result that folds −0 to +0 (`roundToE2M1F32`, `roundToE4M3F32`) or keeps x's sign (`roundToE4M3`).
 */
export function floatQuantKernelBytes(memory: MemoryImport): Uint8Array {
  return assembleModule(memory, [
    quadFunction('nvfp4Quad', 'nvfp4', E2M1),
    quadFunction('mx4Quad', 'mx4', E2M1),
    quadFunction('mx8Quad', 'mx8', E4M3),
    quadFunction('fp8GroupQuad', 'fp8', E4M3),
    groupFunction('nvfp4', 'ignoreNan', 'nvfp4', E2M1, 'fold0'),
    groupFunction('mx4', 'ignoreNan', 'mx4', E2M1, 'fold0'),
    groupFunction('mx8', 'ignoreNan', 'mx8', E4M3, 'fold0'),
    groupFunction('fp8Group', 'ignoreNan', 'fp8', E4M3, 'fold0'),
    groupFunction('fp8Channel', 'nan', 'fp8', E4M3, 'keep0'),
    runFunction('e4m3Keep0', 'keep0'),
    rangeFunction(),
    absMaxFunction(),
    blocksFunction(),
  ]);
}

/** An element format: its largest value, mantissa bits and smallest normal exponent. */
interface ElementFormat {
  max: number;
  mantissaBits: number;
  minExponent: number;
}
const E2M1: ElementFormat = { max: 6, mantissaBits: 1, minExponent: 0 };
const E4M3: ElementFormat = { max: 448, mantissaBits: 3, minExponent: -6 };

type AmaxKind = 'ignoreNan' | 'nan';
type ZeroSign = 'fold0' | 'keep0';
type ScaleRule = 'nvfp4' | 'mx4' | 'mx8' | 'fp8';

const simd = (code: number): number[] => [0xfd, ...uleb1(code)];
function uleb1(n: number): number[] {
  return n < 0x80 ? [n] : [(n & 0x7f) | 0x80, n >> 7];
}
const v = {
  and: () => simd(0x4e),
  or: () => simd(0x50),
  f32x4Lt: () => simd(0x43),
  f32x4Abs: () => simd(0xe0),
  f32x4Div: () => simd(0xe7),
  f32x4Max: () => simd(0xe9),
  f32x4Pmin: () => simd(0xea),
  f32x4Pmax: () => simd(0xeb),
  i32x4Add: () => simd(0xae),
  i32x4MaxS: () => simd(0xb8),
  i32x4Splat: () => simd(0x11),
  i32x4Eq: () => simd(0x37),
  f32x4Eq: () => simd(0x41),
  bitselect: () => simd(0x52),
  i32x4Shl: () => simd(0xab),
  i32x4ShrU: () => simd(0xad),
  i32x4Sub: () => simd(0xb1),
  f32x4ConvertI32x4S: () => simd(0xfa),
  i32x4TruncSatF32x4S: () => simd(0xf8),
  f32x4ExtractLane0: () => [...simd(0x1f), 0],
};
const s32 = {
  f32Const: (x: number): number[] => [0x43, ...new Uint8Array(Float32Array.of(x).buffer)],
  f32Store: (): number[] => [0x38, 2, 0],
  f32Add: () => [0x92],
  f32Sub: () => [0x93],
  f32Mul: () => [0x94],
  f32Div: () => [0x95],
  f32Eq: () => [0x5b],
  f32Gt: () => [0x5e],
  f32ConvertI32S: () => [0xb2],
  i32Reinterpret: () => [0xbc],
  f32Reinterpret: () => [0xbe],
  i32And: () => [0x71],
  i32ShrU: () => [0x76],
  i32GtS: () => [0x4a],
  i32Eqz: () => [0x45],
  select: () => [0x1b],
};
const g = op.localGet;
const set = op.localSet;
const i32x4Const = (x: number): number[] => [...op.i32Const(x), ...v.i32x4Splat()];
const f32x4Const = (x: number): number[] => op.v128Const(Float32Array.of(x, x, x, x));

/** The constants an element loop keeps in v128 locals, at `base`: max, sign mask, exponent mask, floor, shift. */
function elementConstants(f: ElementFormat, base: number): number[][] {
  return [
    f32x4Const(f.max), set(base),
    i32x4Const(0x80000000 | 0), set(base + 1),
    i32x4Const(0x7f800000), set(base + 2),
    i32x4Const((127 + f.minExponent) << 23), set(base + 3),
    i32x4Const((23 - f.mantissaBits) << 23), set(base + 4),
  ];
}
/** v128 locals elementConstants fills. */
const CONSTANTS = 5;

/**
 * One vector at byte address local `addr` (offset `offset`): `x := q(clamp(x/S, ±max))·S`, S in v128 local
 * `scale`; with `recip` (MX's power-of-two scales only, where it is exact) `x·(1/S)` instead of the division.
 * Constants at `c` (elementConstants), scratch v128 locals `t` … `t + 2`. The clamp is one pmin of |v| against
 * max (the TypeScript ternaries' result: clamping keeps the sign, NaN passes through pmin).
 */
function quantizeVector(addr: number, offset: number, scale: number, recip: number | null, c: number, t: number, zero: ZeroSign): number[][] {
  const V = t, SIGN = t + 1;
  return [
    g(addr), g(addr), op.v128Load(offset), ...(recip === null ? [g(scale), v.f32x4Div()] : [g(recip), op.f32x4Mul()]), op.localTee(V),
    // sign: of a negative value (fold0: −0 → +0) or x's sign bit (keep0)
    ...(zero === 'fold0' ? [f32x4Const(0), v.f32x4Lt()] : []), g(c + 1), v.and(), set(SIGN),
    g(V), v.f32x4Abs(), g(c), v.f32x4Pmin(), op.localTee(V),
    // C = max(exponent bits of |v|, smallest normal) + (23 − mantissa bits) binades
    g(V), g(c + 2), v.and(), g(c + 3), v.i32x4MaxS(), g(c + 4), v.i32x4Add(), op.localTee(t + 2),
    op.f32x4Add(), g(t + 2), op.f32x4Sub(), g(SIGN), v.or(), g(scale), op.f32x4Mul(),
    op.v128Store(offset),
  ];
}

/**
 * The lane-wise amax step: pmax (NaN ignored, as `a > m`, while the accumulator, its first operand, holds no
 * NaN) or, for 'nan' (`Math.max`: any NaN wins), the signed-integer max of |x|'s bits, under which every NaN
 * lies above +∞ and the non-negative floats keep their order: one instruction where f32x4.max is several.
 */
const amaxStep = (kind: AmaxKind): number[] => (kind === 'ignoreNan' ? v.f32x4Pmax() : v.i32x4MaxS());

/** max over a vector's lanes into lane 0, as an f32 (`amaxStep` of `kind`). */
function horizontal(acc: number, kind: AmaxKind): number[][] {
  const m = amaxStep(kind);
  return [
    g(acc), g(acc), g(acc), op.i8x16Shuffle(f32Lanes([2, 3, 2, 3])), m, set(acc),
    g(acc), g(acc), g(acc), op.i8x16Shuffle(f32Lanes([1, 1, 1, 1])), m, v.f32x4ExtractLane0(),
  ];
}

/**
 * `body(offset)` over the 16-byte vectors of bytes [addr, to) (local addresses, `to − addr` a multiple of 16,
 * possibly 0): four vectors an iteration while 64 bytes remain, then one at a time.
 */
function vectorLoop(addr: number, to: number, body: (offset: number) => number[][]): number[][] {
  return [
    op.block(), op.loop(),
    g(addr), op.i32Const(64), op.i32Add(), g(to), I32_GT_U, op.brIf(1),
    ...[0, 16, 32, 48].flatMap(body),
    g(addr), op.i32Const(64), op.i32Add(), set(addr),
    op.br(0),
    op.end(), op.end(),
    op.block(), op.loop(),
    g(addr), g(to), op.i32GeU(), op.brIf(1),
    ...body(0),
    g(addr), op.i32Const(16), op.i32Add(), set(addr),
    op.br(0),
    op.end(), op.end(),
  ];
}
const I32_GT_U = [0x4b];

/**
 * v128 `acc` := amax over bytes [addr, to) (folded into acc's lanes), `addr` walking: four accumulators
 * acc … acc + 3 (so the max chains run side by side), combined into `acc` at the end.
 */
function amaxLoop(addr: number, to: number, acc: number, kind: AmaxKind): number[][] {
  const m = amaxStep(kind);
  return [
    f32x4Const(0), set(acc + 1), f32x4Const(0), set(acc + 2), f32x4Const(0), set(acc + 3),
    // the vector at `offset` goes to accumulator offset/16 (the one-at-a-time tail to acc)
    ...vectorLoop(addr, to, (offset) => [g(acc + offset / 16), g(addr), op.v128Load(offset), v.f32x4Abs(), m, set(acc + offset / 16)]),
    g(acc), g(acc + 1), m, g(acc + 2), g(acc + 3), m, m, set(acc),
  ];
}

/**
 * The scale of a group whose amax is f32 local `m`: stores its recorded value at local `out` and leaves the
 * effective scale splatted in v128 local `S`. `gl` is the global-scale parameter (nvfp4 only), `e` an i32 scratch.
 */
function scaleCode(rule: ScaleRule, m: number, out: number, S: number, gl: number, e: number, s: number): number[][] {
  if (rule === 'nvfp4') {
    return [
      // s = g·(m/6), capped at 448, rounded to e4m3 (s ≥ 0: C = 2^max(e, −6)+20), 0 → 0.125
      g(gl), g(m), s32.f32Const(6), s32.f32Div(), s32.f32Mul(), set(s),
      s32.f32Const(448), g(s), g(s), s32.f32Const(448), s32.f32Gt(), s32.select(), set(s),
      g(s), s32.i32Reinterpret(), op.i32Const(0x7f800000), s32.i32And(), set(e),
      g(e), op.i32Const(121 << 23), g(e), op.i32Const(121 << 23), s32.i32GtS(), s32.select(), op.i32Const(20 << 23), op.i32Add(),
      s32.f32Reinterpret(), set(m),
      g(s), g(m), s32.f32Add(), g(m), s32.f32Sub(), set(s),
      s32.f32Const(0.125), g(s), g(s), s32.f32Const(0), s32.f32Eq(), s32.select(), set(s),
      g(out), g(s), s32.f32Store(),
      g(s), g(gl), s32.f32Div(), op.f32x4Splat(), set(S),
    ];
  }
  if (rule === 'fp8') {
    return [
      g(m), s32.f32Const(448), s32.f32Div(), set(s),
      s32.f32Const(2 ** -23), g(s), g(s), s32.f32Const(0), s32.f32Eq(), s32.select(), set(s),
      g(out), g(s), s32.f32Store(),
      g(s), op.f32x4Splat(), set(S),
    ];
  }
  // MX: E = ((bits(m) + 2^21) & sign|exponent) >> 23 − emax(element), at least 0; scale 2^(E−127)
  const emax = rule === 'mx4' ? 2 : 8;
  return [
    g(m), s32.i32Reinterpret(), op.i32Const(0x200000), op.i32Add(), op.i32Const(0xff800000 | 0), s32.i32And(),
    op.i32Const(23), s32.i32ShrU(), op.i32Const(emax), op.i32Sub(), set(e),
    g(e), op.i32Const(0), g(e), op.i32Const(0), s32.i32GtS(), s32.select(), set(e),
    g(out), g(e), s32.f32ConvertI32S(), s32.f32Store(),
    op.i32Const(0x400000), g(e), op.i32Const(23), op.i32Shl(), g(e), s32.i32Eqz(), s32.select(),
    s32.f32Reinterpret(), op.f32x4Splat(), set(S),
  ];
}

function groupFunction(name: string, kind: AmaxKind, rule: ScaleRule, f: ElementFormat, zero: ZeroSign): WasmFunction {
  const nv = rule === 'nvfp4';
  // params: 0 ptr, 1 scales, 2 groups, 3 groupSize (→ group bytes) [, 4 g]
  const PTR = 0, SCALES = 1, GROUPS = 2, GS = 3, GL = 4;
  const first = nv ? 5 : 4;
  const END = first, GEND = first + 1, J = first + 2, E = first + 3; // i32
  const M = first + 4, S = first + 5; // f32
  const ACC = first + 6, SV = first + 10, C = first + 11, T = C + CONSTANTS; // v128: ACC..ACC+3, constants, T..T+2 scratch
  const locals: ValType[] = [I32, I32, I32, I32, F32, F32, ...Array<ValType>(5 + CONSTANTS + 3).fill(V128)];
  const body: number[][] = [
    ...elementConstants(f, C),
    g(GS), op.i32Const(2), op.i32Shl(), set(GS),
    g(PTR), g(GROUPS), g(GS), op.i32Mul(), op.i32Add(), set(END),
    op.block(), op.loop(),
    g(PTR), g(END), op.i32GeU(), op.brIf(1),
    g(PTR), g(GS), op.i32Add(), set(GEND),
    f32x4Const(0), set(ACC), g(PTR), set(J),
    ...amaxLoop(J, GEND, ACC, kind),
    ...horizontal(ACC, kind), set(M),
    ...scaleCode(rule, M, SCALES, SV, GL, E, S),
    g(PTR), set(J),
    ...vectorLoop(J, GEND, (offset) => quantizeVector(J, offset, SV, null, C, T, zero)),
    g(GEND), set(PTR),
    g(SCALES), op.i32Const(4), op.i32Add(), set(SCALES),
    op.br(0),
    op.end(), op.end(),
  ];
  return { name, params: nv ? [I32, I32, I32, I32, F32] : [I32, I32, I32, I32], results: [], locals, body };
}

/** 2-D region walker: `rows` rows of `widthBytes` bytes, `strideBytes` apart, from `ptr`; `inner` per row. */
function rowsLoop(PTR: number, ROWS: number, W: number, STRIDE: number, J: number, REND: number, inner: number[][]): number[][] {
  return [
    op.block(), op.loop(),
    g(ROWS), s32.i32Eqz(), op.brIf(1),
    g(PTR), set(J), g(PTR), g(W), op.i32Add(), set(REND),
    ...inner,
    g(PTR), g(STRIDE), op.i32Add(), set(PTR),
    g(ROWS), op.i32Const(1), op.i32Sub(), set(ROWS),
    op.br(0),
    op.end(), op.end(),
  ];
}

function runFunction(name: string, zero: ZeroSign): WasmFunction {
  const PTR = 0, ROWS = 1, W = 2, STRIDE = 3, SCALE = 4, J = 5, REND = 6, SV = 7, C = 8, T = C + CONSTANTS;
  const body: number[][] = [
    ...elementConstants(E4M3, C),
    g(SCALE), op.f32x4Splat(), set(SV),
    ...rowsLoop(PTR, ROWS, W, STRIDE, J, REND, vectorLoop(J, REND, (offset) => quantizeVector(J, offset, SV, null, C, T, zero))),
  ];
  const locals: ValType[] = [I32, I32, ...Array<ValType>(1 + CONSTANTS + 3).fill(V128)];
  return { name, params: [I32, I32, I32, I32, F32], results: [], locals, body };
}

/**
 * Four groups' recorded scales from the v128 local `M` (their amaxes, lane i = group i), stored (16 bytes at
 * local `out`); `G` holds the splatted global scale (NVFP4), `X` is scratch. Lane for lane the scalar
 * `scaleCode`.
 */
function recordedScalesCode(rule: ScaleRule, M: number, out: number, G: number, X: number): number[][] {
  const e4m3Round = (x: number): number[][] => [
    g(x), g(x), i32x4Const(0x7f800000), v.and(), i32x4Const(121 << 23), v.i32x4MaxS(), i32x4Const(20 << 23), v.i32x4Add(), op.localTee(X),
    op.f32x4Add(), g(X), op.f32x4Sub(), set(x),
  ];
  const zeroTo = (x: number, value: number): number[][] => [
    f32x4Const(value), g(x), g(x), f32x4Const(0), v.f32x4Eq(), v.bitselect(), set(x),
  ];
  if (rule === 'nvfp4') {
    return [
      g(G), g(M), f32x4Const(6), v.f32x4Div(), op.f32x4Mul(), f32x4Const(448), v.f32x4Pmin(), set(M),
      ...e4m3Round(M), ...zeroTo(M, 0.125),
      g(out), g(M), op.v128Store(),
    ];
  }
  if (rule === 'fp8') {
    return [g(M), f32x4Const(448), v.f32x4Div(), set(M), ...zeroTo(M, 2 ** -23), g(out), g(M), op.v128Store()];
  }
  const emax = rule === 'mx4' ? 2 : 8;
  return [
    g(out),
    g(M), i32x4Const(0x200000), v.i32x4Add(), i32x4Const(0xff800000 | 0), v.and(), op.i32Const(23), v.i32x4ShrU(),
    i32x4Const(emax), v.i32x4Sub(), i32x4Const(0), v.i32x4MaxS(), v.f32x4ConvertI32x4S(), op.v128Store(),
  ];
}

/**
 * The effective scales of four groups from their recorded ones (16 bytes at local `at`) into `SV` and, for MX,
 * their exact reciprocals into `RV`: NVFP4 `s/g`, FP8 the recorded scale, MX `2^(E−127)` (E = 0: 2⁻¹²⁷).
 */
function effectiveScalesCode(rule: ScaleRule, at: number, SV: number, RV: number, G: number, E: number): number[][] {
  if (rule === 'nvfp4') return [g(at), op.v128Load(), g(G), v.f32x4Div(), set(SV)];
  if (rule === 'fp8') return [g(at), op.v128Load(), set(SV)];
  return [
    g(at), op.v128Load(), v.i32x4TruncSatF32x4S(), set(E),
    i32x4Const(0x400000), g(E), op.i32Const(23), v.i32x4Shl(), g(E), i32x4Const(0), v.i32x4Eq(), v.bitselect(), set(SV),
    i32x4Const(254), g(E), v.i32x4Sub(), op.i32Const(23), v.i32x4Shl(), set(RV),
  ];
}

function quadFunction(name: string, rule: ScaleRule, f: ElementFormat): WasmFunction {
  const nv = rule === 'nvfp4';
  const mx = rule === 'mx4' || rule === 'mx8';
  const PTR = 0, SCALES = 1, GROUPS = 2, GB = 3, GL = 4;
  const first = nv ? 5 : 4;
  const END = first, J = first + 1, GEND = first + 2, P0 = first + 3, S0 = first + 4; // i32
  const ACC = first + 5, M = ACC + 4, SV = ACC + 5, RV = ACC + 6, S = ACC + 7, R = ACC + 8, G = ACC + 9, X = ACC + 10;
  const C = ACC + 11, T = C + CONSTANTS; // v128: ACC..ACC+3, …, constants from C, T..T+2 scratch
  const locals: ValType[] = [I32, I32, I32, I32, I32, ...Array<ValType>(T + 3 - ACC).fill(V128)];
  const pmax = v.f32x4Pmax();
  const shuffle = (a: number, b: number, lanes: [number, number, number, number]): number[][] => [g(a), g(b), op.i8x16Shuffle(f32Lanes(lanes))];
  /** `vector(addr, offset)` over group i's vectors, four a time. */
  const perGroup = (i: number, vector: (addr: number, offset: number) => number[][]): number[][] => [
    g(PTR), ...(i === 0 ? [] : [g(GB), op.i32Const(i), op.i32Mul(), op.i32Add()]), op.localTee(J), g(GB), op.i32Add(), set(GEND),
    op.loop(), ...[0, 16, 32, 48].flatMap((o) => vector(J, o)),
    g(J), op.i32Const(64), op.i32Add(), op.localTee(J), g(GEND), op.i32LtU(), op.brIf(0),
    op.end(),
  ];
  const amax = (i: number): number[][] => [
    f32x4Const(0), set(ACC + i),
    ...perGroup(i, (addr, o) => [g(ACC + i), g(addr), op.v128Load(o), v.f32x4Abs(), pmax, set(ACC + i)]),
  ];
  const lane = (from: number, i: number, into: number): number[][] => [...shuffle(from, from, [i, i, i, i]), set(into)];
  /** `inner` per quad from PTR to END, then the next quad (PTR, SCALES advanced). */
  const quads = (inner: number[][]): number[][] => [
    op.block(), op.loop(),
    g(PTR), g(END), op.i32GeU(), op.brIf(1),
    ...inner,
    g(SCALES), op.i32Const(16), op.i32Add(), set(SCALES),
    g(PTR), g(GB), op.i32Const(2), op.i32Shl(), op.i32Add(), set(PTR),
    op.br(0),
    op.end(), op.end(),
  ];
  const quantize = (i: number): number[][] => [
    ...lane(SV, i, S), ...(mx ? lane(RV, i, R) : []),
    ...perGroup(i, (addr, o) => quantizeVector(addr, o, S, mx ? R : null, C, T, 'fold0')),
  ];
  const body: number[][] = [
    ...elementConstants(f, C),
    ...(nv ? [g(GL), op.f32x4Splat(), set(G)] : []),
    g(GB), op.i32Const(2), op.i32Shl(), set(GB),
    g(PTR), g(GROUPS), g(GB), op.i32Mul(), op.i32Add(), set(END),
    g(PTR), set(P0), g(SCALES), set(S0),
    // pass 1: every quad's scales, so that the scale arithmetic's long latency chains (divisions) of one quad
    // overlap the next quad's loads instead of stalling its elements
    ...quads([
      ...amax(0), ...amax(1), ...amax(2), ...amax(3),
      // [m0, m1, m2, m3]: pairwise maxima of (a0, a1) and (a2, a3), then of those (the accumulators hold no NaN)
      ...shuffle(ACC, ACC + 1, [0, 1, 4, 5]), ...shuffle(ACC, ACC + 1, [2, 3, 6, 7]), pmax, set(ACC),
      ...shuffle(ACC + 2, ACC + 3, [0, 1, 4, 5]), ...shuffle(ACC + 2, ACC + 3, [2, 3, 6, 7]), pmax, set(ACC + 2),
      ...shuffle(ACC, ACC + 2, [0, 2, 4, 6]), ...shuffle(ACC, ACC + 2, [1, 3, 5, 7]), pmax, set(M),
      ...recordedScalesCode(rule, M, SCALES, G, X),
    ]),
    g(P0), set(PTR), g(S0), set(SCALES),
    // pass 2: the elements, each quad's effective scales from its recorded ones
    ...quads([
      ...effectiveScalesCode(rule, SCALES, SV, RV, G, X),
      ...quantize(0), ...quantize(1), ...quantize(2), ...quantize(3),
    ]),
  ];
  return { name, params: nv ? [I32, I32, I32, I32, F32] : [I32, I32, I32, I32], results: [], locals, body };
}

/**
 * `range(ptr, bytes, out)`: per lane `lo = pmin(lo, x)`, `hi = pmax(hi, x)` (exactly `if (x < lo) lo = x`,
 * NaN ignored), then across lanes and with out[0], out[1]. Zeros of both signs may be kept in either order
 * (the caller settles a zero extreme).
 */
function absMaxFunction(): WasmFunction {
  const PTR = 0, BYTES = 1, OUT = 2, END = 3, ACC = 4; // v128 ACC … ACC + 3
  const body: number[][] = [
    g(PTR), g(BYTES), op.i32Add(), set(END),
    f32x4Const(0), set(ACC),
    ...amaxLoop(PTR, END, ACC, 'nan'),
    // fold in the previous result: the same integer max, on the bits (lane 0 of the splat)
    g(ACC), g(OUT), [0xfd, 0x09, 2, 0], amaxStep('nan'), set(ACC), // v128.load32_splat
    g(OUT), ...horizontal(ACC, 'nan'), s32.f32Store(),
  ];
  return { name: 'absMax', params: [I32, I32, I32], results: [], locals: [I32, V128, V128, V128, V128], body };
}

function rangeFunction(): WasmFunction {
  const PTR = 0, BYTES = 1, OUT = 2, END = 3, LO = 4, HI = 5;
  const pmin = v.f32x4Pmin(), pmax = v.f32x4Pmax();
  const fold = (acc: number, m: number[]): number[][] => [
    g(acc), g(acc), g(acc), op.i8x16Shuffle(f32Lanes([2, 3, 2, 3])), m, set(acc),
    g(acc), g(acc), g(acc), op.i8x16Shuffle(f32Lanes([1, 1, 1, 1])), m, set(acc),
  ];
  const body: number[][] = [
    g(OUT), [0xfd, 0x09, 2, 0], set(LO), // v128.load32_splat
    g(OUT), [0xfd, 0x09, 2, 4], set(HI),
    g(PTR), g(BYTES), op.i32Add(), set(END),
    op.block(), op.loop(),
    g(PTR), g(END), op.i32GeU(), op.brIf(1),
    g(LO), g(PTR), op.v128Load(), pmin, set(LO),
    g(HI), g(PTR), op.v128Load(), pmax, set(HI),
    g(PTR), op.i32Const(16), op.i32Add(), set(PTR),
    op.br(0),
    op.end(), op.end(),
    ...fold(LO, pmin), ...fold(HI, pmax),
    g(OUT), g(LO), v.f32x4ExtractLane0(), s32.f32Store(),
    g(OUT), g(HI), v.f32x4ExtractLane0(), [0x38, 2, 4],
  ];
  return { name: 'range', params: [I32, I32, I32], results: [], locals: [I32, V128, V128], body };
}

function blocksFunction(): WasmFunction {
  const PTR = 0, SCALES = 1, ROWS = 2, STRIDE = 3, BC = 4; // STRIDE: cols → row bytes, BC: block cols → bytes
  const C0 = 5, CEND = 6, W = 7, RP = 8, R = 9, J = 10, REND = 11, M = 12, ACC = 13, SV = 17, C = 18, T = C + CONSTANTS;
  const locals: ValType[] = [I32, I32, I32, I32, I32, I32, I32, F32, ...Array<ValType>(5 + CONSTANTS + 3).fill(V128)];
  const region = (inner: number[][]): number[][] => [g(C0), set(RP), g(ROWS), set(R), ...rowsLoop(RP, R, W, STRIDE, J, REND, inner)];
  const body: number[][] = [
    ...elementConstants(E4M3, C),
    g(STRIDE), op.i32Const(2), op.i32Shl(), set(STRIDE),
    g(BC), op.i32Const(2), op.i32Shl(), set(BC),
    g(PTR), set(C0), g(PTR), g(STRIDE), op.i32Add(), set(CEND),
    op.block(), op.loop(),
    g(C0), g(CEND), op.i32GeU(), op.brIf(1),
    // width = min(block bytes, bytes left in the row)
    g(BC), g(CEND), g(C0), op.i32Sub(), g(BC), g(CEND), g(C0), op.i32Sub(), op.i32LtU(), s32.select(), set(W),
    f32x4Const(0), set(ACC),
    ...region(amaxLoop(J, REND, ACC, 'ignoreNan')),
    ...horizontal(ACC, 'ignoreNan'), set(M),
    ...scaleCode('fp8', M, SCALES, SV, 0, 0, M),
    ...region(vectorLoop(J, REND, (offset) => quantizeVector(J, offset, SV, null, C, T, 'fold0'))),
    g(C0), g(BC), op.i32Add(), set(C0),
    g(SCALES), op.i32Const(4), op.i32Add(), set(SCALES),
    op.br(0),
    op.end(), op.end(),
  ];
  return { name: 'fp8Blocks', params: [I32, I32, I32, I32, I32], results: [], locals, body };
}
