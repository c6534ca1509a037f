import { createRequire } from 'node:module';

/**
 * Lazy gpu.js loading: importing src/tensor never loads gpu.js; the first gpu.js kernel call does (about
 * 75 ms here). One `GPU` instance per mode, cached.
 *
 * Modes: 'gpu' (gpu.js's own pick: headless-gl, WebGL2/WebGL, then its WebAssembly backend when no GL
 * context exists, as on this machine), 'webasm' (gpu.js's WebAssembly backend), 'cpu' (generated JS).
 */
export type GpuJsMode = 'gpu' | 'webasm' | 'cpu';

/** The parts of gpu.js's API we use (its typings declare `input` as a type only, so we keep our own). */
export interface GpuKernel {
  (...args: unknown[]): unknown;
  setOutput(output: number[]): GpuKernel;
}
export interface GpuInstance {
  readonly mode: string;
  /** The kernel class gpu.js picked; its static `mode` is the backend actually used. */
  readonly Kernel?: { readonly mode?: string };
  createKernel(fn: (...args: never[]) => number, settings?: Record<string, unknown>): GpuKernel;
  destroy(): void;
}
interface GpuJsModule {
  GPU: (new (settings?: { mode?: string }) => GpuInstance) & { isHeadlessGLSupported: boolean };
}

let gpujs: GpuJsModule | null | undefined;
const instances = new Map<GpuJsMode, GpuInstance | null>();

export function loadGpuJs(): GpuJsModule | null {
  if (gpujs !== undefined) return gpujs;
  try {
    gpujs = createRequire(import.meta.url)('gpu.js') as GpuJsModule;
  } catch {
    gpujs = null;
  }
  return gpujs;
}

/** The `GPU` instance for `mode`, or null when gpu.js cannot run in that mode. */
export function gpuFor(mode: GpuJsMode): GpuInstance | null {
  if (instances.has(mode)) return instances.get(mode) ?? null;
  const lib = loadGpuJs();
  let gpu: GpuInstance | null = null;
  if (lib) {
    try {
      gpu = new lib.GPU({ mode });
    } catch {
      gpu = null;
    }
  }
  instances.set(mode, gpu);
  return gpu;
}

/** The gpu.js modes that work in this process, and what 'gpu' resolved to (e.g. 'webasm' without headless-gl). */
export function reachableGpuJsModes(): { mode: GpuJsMode; resolved: string }[] {
  const out: { mode: GpuJsMode; resolved: string }[] = [];
  for (const mode of ['gpu', 'webasm', 'cpu'] as const) {
    const g = gpuFor(mode);
    if (g) out.push({ mode, resolved: g.Kernel?.mode ?? g.mode });
  }
  return out;
}
