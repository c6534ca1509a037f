/**
 * A dense row-major tensor: a typed array and a shape. Deliberately small: kernels in
 * `src/tensor/kernels/` do the work, this type only carries data and its layout.
 */
export type DType = 'float32' | 'float64';
export type TensorData = Float32Array | Float64Array;

export class Tensor {
  readonly data: TensorData;
  readonly shape: readonly number[];

  constructor(data: TensorData, shape: readonly number[]) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new RangeError(`Tensor shape [${shape.join(', ')}] needs ${size} values, got ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  static zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    return new Tensor(dtype === 'float64' ? new Float64Array(size) : new Float32Array(size), shape);
  }

  /** From nested arrays (2-D) or a flat array with a shape. */
  static from(values: readonly (readonly number[])[] | ArrayLike<number>, shape?: readonly number[], dtype: DType = 'float32'): Tensor {
    const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
    if (shape) return new Tensor(Ctor.from(values as ArrayLike<number>), shape);
    const rows = values as readonly (readonly number[])[];
    const cols = rows.length ? rows[0].length : 0;
    const data = new Ctor(rows.length * cols);
    rows.forEach((row, i) => data.set(row, i * cols));
    return new Tensor(data, [rows.length, cols]);
  }

  get dtype(): DType {
    return this.data instanceof Float64Array ? 'float64' : 'float32';
  }

  get size(): number {
    return this.data.length;
  }

  get rows(): number {
    return this.shape.length === 1 ? 1 : this.shape[0];
  }

  /** Length of the last axis. */
  get cols(): number {
    return this.shape[this.shape.length - 1] ?? 1;
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  to(dtype: DType): Tensor {
    if (dtype === this.dtype) return this.clone();
    // the typed-array constructors convert element-wise like .from, without its iterator protocol
    return new Tensor(dtype === 'float64' ? new Float64Array(this.data) : new Float32Array(this.data), this.shape);
  }

  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.data, shape);
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  /** Nested arrays (2-D) for tests and printing. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }
}
