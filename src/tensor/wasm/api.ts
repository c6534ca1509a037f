/**
 * Typed access to the WebAssembly global. The project's tsconfig (lib ES2022, types node) does not declare
 * WebAssembly's classes, so the few members the kernels use are typed here instead of adding a global .d.ts.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

/** The engine's WebAssembly object, or null where there is none. */
export const wasmApi: WasmApi | null = ((globalThis as Record<string, unknown>).WebAssembly as WasmApi | undefined) ?? null;
