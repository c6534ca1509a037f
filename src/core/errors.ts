/**
 * The error classes that stand where LLM Compressor raises Python exceptions. Messages are the spec's
 * verbatim text (shared/spec/lifecycle.md §10): users grep for them, so throw sites pass data and the
 * specific subclasses below build the text.
 */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Python's NotImplementedError is a RuntimeError subclass; so is ours. */
export class NotImplementedError extends RuntimeError {}

type ErrorClass = abstract new (message: string) => Error;

/** `{ [fields[i]]: args[i] }`, read-only, typed from the constructor's parameters. */
type Fields<K extends readonly string[], A extends readonly unknown[]> = {
  readonly [I in keyof K & `${number}` as K[I] & string]: I extends keyof A ? A[I] : never;
};

/** What `specError` returns: a class taking `A`, with the spec's code (when given) and the named fields. */
export type SpecErrorClass<B extends ErrorClass, A extends unknown[], C extends string | null, K extends readonly string[]> = {
  new (...args: A): InstanceType<B> & (C extends string ? { readonly code: C } : unknown) & Fields<K, A>;
} & (C extends string ? { readonly code: C } : unknown);

/**
 * The one way a spec error class is built: `new X(...args)` extends `Base` with the message `message(...args)`,
 * the spec's ID as `code` (on the instance and the class; none when `code` is null), and each argument stored
 * under the name at its position in `fields`. Declare the named class on top, so the error's `name` is it:
 *
 *     export class NormCountError extends specError(ValueError, 'T11',
 *       (count: number, norm: string) => `Expected exactly one norm per norm-mapping set, found ${count} for ${norm}`,
 *       'count', 'norm') {}
 */
export function specError<B extends ErrorClass, A extends unknown[], C extends string | null, K extends string[]>(
  Base: B,
  code: C,
  message: (...args: A) => string,
  ...fields: K
): SpecErrorClass<B, A, C, K> {
  abstract class Spec extends (Base as unknown as new (message: string) => Error) {
    constructor(...args: A) {
      super(message(...args));
      const self = this as unknown as Record<string, unknown>;
      if (code !== null) self.code = code;
      fields.forEach((name, i) => (self[name] = args[i]));
    }
  }
  if (code !== null) Object.defineProperty(Spec, 'code', { value: code, enumerable: true });
  return Spec as unknown as SpecErrorClass<B, A, C, K>;
}
