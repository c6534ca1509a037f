import { RuntimeError } from '../../core/errors.ts';
import { wasmApi, type WasmMemory, type WasmModule } from './api.ts';
import { gemmKernelBytes, MR } from './gemmKernel.ts';

/**
 * Float32 matrix products for the GPTQ / SparseGPT float32 path: an arena (one wasm memory per arena, so a
 * layer's working matrices live where the kernel reads them and nothing is copied per product) and
 * `gemmSubtract`, which packs both operands into the kernel's tiles and runs gemmKernel.ts — or, where the
 * engine has no WebAssembly SIMD, its TypeScript twin, which rounds every multiply and add to float32 in the
 * same order, so both give the same bits.
 */
type GemmFn = (c: number, ldc: number, ap: number, aStride: number, bp: number, bStride: number, mTiles: number, nTiles: number, k: number) => void;

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, all a wasm32 memory can address
let compiled: WasmModule | null | undefined;

function kernelModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    const wa = wasmApi;
    const bytes = gemmKernelBytes({ module: 'env', name: 'mem', minPages: 1, maxPages: MAX_PAGES, shared: false });
    compiled = wa && wa.validate(bytes) ? new wa.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** True when this engine runs the float32 SIMD product kernel. */
export function gemmWasmSupported(): boolean {
  return kernelModule() !== null;
}

/**
 * A bump allocator of float32 regions, each 16-byte aligned with slack after it (the kernel's padded tiles
 * read and rewrite, unchanged, up to 3 rows and 7 columns past a region's end). `f32` is replaced when the
 * arena grows: read it after every `alloc`.
 */
export class Arena {
  f32: Float32Array;
  readonly #memory: WasmMemory | null;
  readonly #gemm: GemmFn | null;
  #top = 0;

  /** `floats`: the expected total, reserved at once; `wasm` false forces the TypeScript kernel. */
  constructor(floats: number, wasm = true) {
    const module = wasm ? kernelModule() : null;
    const wa = wasmApi;
    if (module && wa) {
      const pages = Math.min(MAX_PAGES, Math.max(1, Math.ceil((floats * 4) / PAGE)));
      this.#memory = new wa.Memory({ initial: pages, maximum: MAX_PAGES });
      this.#gemm = new wa.Instance(module, { env: { mem: this.#memory } }).exports.gemm as GemmFn;
      this.f32 = new Float32Array(this.#memory.buffer);
    } else {
      this.#memory = null;
      this.#gemm = null;
      this.f32 = new Float32Array(Math.max(16, floats));
    }
  }

  get usesWasm(): boolean {
    return this.#gemm !== null;
  }

  /** A zeroed region of `floats` values plus slack; returns its offset in floats. */
  alloc(floats: number, slack = 0): number {
    const at = this.#top;
    const end = at + ((floats + slack + 3) & ~3);
    if (end > this.f32.length) this.#grow(end);
    this.f32.fill(0, at, end);
    this.#top = end;
    return at;
  }

  /** Frees everything allocated from `mark` (a value of `top`) on. */
  release(mark: number): void {
    this.#top = mark;
  }

  get top(): number {
    return this.#top;
  }

  #grow(floats: number): void {
    const want = Math.max(floats, Math.ceil(this.f32.length * 1.25));
    if (this.#memory) {
      const have = this.#memory.buffer.byteLength / PAGE;
      const pages = Math.min(MAX_PAGES, Math.ceil((want * 4) / PAGE)) - have;
      if ((have + pages) * (PAGE / 4) < floats) {
        throw new RuntimeError(`a float32 product arena of ${floats * 4} bytes exceeds WebAssembly's 4 GiB memory`);
      }
      if (pages > 0) this.#memory.grow(pages);
      this.f32 = new Float32Array(this.#memory.buffer);
    } else {
      const next = new Float32Array(want);
      next.set(this.f32);
      this.f32 = next;
    }
  }

  /** The kernel (gemmKernel.ts), offsets and strides in floats. */
  run(c: number, ldc: number, ap: number, aStride: number, bp: number, bStride: number, mTiles: number, nTiles: number, k: number): void {
    if (this.#gemm) this.#gemm(c * 4, ldc * 4, ap * 4, aStride * 4, bp * 4, bStride * 4, mTiles, nTiles, k);
    else gemmTs(this.f32, c, ldc, ap, aStride, bp, bStride, mTiles, nTiles, k);
  }
}

/** The kernel's arithmetic in TypeScript (offsets and stride in floats): the same float32 roundings in the same order. */
function gemmTs(f: Float32Array, c: number, ldc: number, ap: number, aStride: number, bp: number, bStride: number, mTiles: number, nTiles: number, k: number): void {
  const acc = new Float64Array(8 * MR);
  const fr = Math.fround;
  for (let i = 0; i < mTiles; i++) {
    const a0 = ap + i * aStride;
    for (let j = 0; j < nTiles; j++) {
      const b0 = bp + j * bStride;
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        for (let r = 0; r < MR; r++) {
          const a = f[a0 + p * MR + r];
          for (let q = 0; q < 8; q++) acc[r * 8 + q] = fr(acc[r * 8 + q] + fr(a * f[b0 + p * 8 + q]));
        }
      }
      for (let r = 0; r < MR; r++) {
        const row = c + (MR * i + r) * ldc + 8 * j;
        for (let q = 0; q < 8; q++) f[row + q] = f[row + q] - acc[r * 8 + q];
      }
    }
  }
}

/** A matrix inside the arena: element (i, j) at `offset + i·stride + j`, or `offset + j·stride + i` when `trans`. */
export interface View {
  offset: number;
  stride: number;
  trans?: boolean;
}

/** B's columns per kernel call, as floats of packed B: the chunk stays in L2 while all of A's tiles pass. */
const CHUNK_FLOATS = 32768;

/** An operand packed into the kernel's tiles: tile t at `offset + t·depth·width`, `depth` inner values each. */
export interface Packed {
  offset: number;
  depth: number;
}

/**
 * C [m, n] −= A [m, k] · B [k, n] (C += A·B with `negate`; C = ∓A·B with `overwrite`), all inside `arena`.
 * Both operands are packed (copied) before C is touched, so C may overlap A or B. Entries of C past row m or
 * column n that share the kernel's padded tiles are read and stored back unchanged (they get −0·…), so the
 * arena needs 3 rows + 8 floats of slack after C's last row (`Arena.alloc`'s `slack`).
 */
export function gemmSubtract(
  arena: Arena, c: View, a: View, b: View, m: number, n: number, k: number,
  o: { negate?: boolean; overwrite?: boolean } = {},
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (o.overwrite) zero(arena.f32, c, m, n);
    return;
  }
  const mark = arena.top;
  const ap = packLeft(arena, a, m, k, o.negate ? -1 : 1);
  const bp = packRight(arena, b, n, k);
  if (o.overwrite) zero(arena.f32, c, m, n);
  runPacked(arena, c, ap, 0, m, bp, 0, n, 0, k);
  arena.release(mark);
}

/**
 * C [m, n] −= A[rows 4·rowTile0 …, inner p0 … p0+k) · B[inner p0 … p0+k, columns 8·colTile0 …) on operands
 * packed once by packLeft / packRight: products on blocks and inner ranges of the same operands (the
 * blocked factorizations) pack nothing again. Same slack rule as gemmSubtract.
 */
export function runPacked(arena: Arena, c: View, a: Packed, rowTile0: number, m: number, b: Packed, colTile0: number, n: number, p0: number, k: number): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  const mTiles = Math.ceil(m / MR);
  const nTiles = (n + 7) >> 3;
  const ap = a.offset + rowTile0 * a.depth * MR + p0 * MR;
  const bp = b.offset + colTile0 * b.depth * 8 + p0 * 8;
  const chunk = Math.max(1, Math.floor(CHUNK_FLOATS / (8 * k)));
  for (let j0 = 0; j0 < nTiles; j0 += chunk) {
    arena.run(c.offset + 8 * j0, c.stride, ap, a.depth * MR, bp + j0 * b.depth * 8, b.depth * 8, mTiles, Math.min(chunk, nTiles - j0), k);
  }
}

function zero(f: Float32Array, c: View, m: number, n: number): void {
  for (let i = 0; i < m; i++) f.fill(0, c.offset + i * c.stride, c.offset + i * c.stride + n);
}

/** A [m, k] packed in tiles of MR rows (allocated from the arena): Ap[i/MR][p][i%MR] = sign·A(i, p); rows past m 0. */
export function packLeft(arena: Arena, a: View, m: number, k: number, sign = 1): Packed {
  const ap = arena.alloc(Math.ceil(m / MR) * k * MR);
  const f = arena.f32;
  if (a.trans) {
    for (let p = 0; p < k; p++) {
      const src = a.offset + p * a.stride;
      for (let i = 0; i < m; i++) f[ap + (Math.floor(i / MR) * k + p) * MR + (i % MR)] = sign * f[src + i];
    }
  } else {
    for (let i = 0; i < m; i++) {
      const src = a.offset + i * a.stride;
      const dst = ap + Math.floor(i / MR) * k * MR + (i % MR);
      for (let p = 0; p < k; p++) f[dst + p * MR] = sign * f[src + p];
    }
  }
  return { offset: ap, depth: k };
}

/** B [k, n] packed in tiles of 8 columns: Bp[j/8][p][j%8] = B(p, j); columns past n 0. */
export function packRight(arena: Arena, b: View, n: number, k: number): Packed {
  const bp = arena.alloc(((n + 7) >> 3) * k * 8);
  const f = arena.f32;
  if (b.trans) {
    for (let j = 0; j < n; j++) {
      const src = b.offset + j * b.stride;
      const dst = bp + (j >> 3) * k * 8 + (j & 7);
      for (let p = 0; p < k; p++) f[dst + p * 8] = f[src + p];
    }
  } else {
    for (let p = 0; p < k; p++) {
      const src = b.offset + p * b.stride;
      for (let j = 0; j < n; j++) f[bp + ((j >> 3) * k + p) * 8 + (j & 7)] = f[src + j];
    }
  }
  return { offset: bp, depth: k };
}
