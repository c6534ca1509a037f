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
