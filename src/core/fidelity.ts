/**
 * How faithfully a lifecycle follows LLM Compressor: `'reference'` reproduces upstream exactly, traps
 * included (an event carries no step); `'default'` keeps the sane behaviour the README's "Differences from
 * LLM Compressor" table lists.
 */
export type Fidelity = 'default' | 'reference';
