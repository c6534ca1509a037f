/**
 * The architecture's layers, bottom first (docs/DESIGN.md draws them). A module may import its own layer
 * and the layers below it, never one above; no import cycles at all. `npx depcruise` in .ci/run checks it.
 */
const LAYERS = [
  'machines',
  'src/core',
  'src/io',
  'src/tensor',
  'src/model',
  'src/compressed-tensors',
  'src/modifiers',
  'src/recipe',
  'src/lifecycle',
  'src/sim',
  'src/eval',
  'src/log',
  'src/verify',
  'src/viz',
  'src/cli',
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer.replace('/', '-')}`,
  comment: `${layer} sits below ${LAYERS.slice(i + 1).join(', ')}: it may not import them`,
  severity: 'error',
  from: { path: `^${escape(layer)}/` },
  to: { path: `^(${LAYERS.slice(i + 1).map(escape).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      comment: 'An import cycle makes two modules one idea; split out what both need',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'tensor-knows-only-errors',
      comment: 'src/tensor is kernels and numbers: of the ground layer it may use the error classes alone',
      severity: 'error',
      from: { path: '^src/tensor/' },
      to: { path: '^src/core/', pathNot: '^src/core/errors\\.ts$' },
    },
    {
      name: 'kernels-through-the-dispatcher',
      comment:
        'Outside src/tensor, tensor kernels are reached through src/tensor/ops.ts, which picks the backend per call ' +
        '(docs/backends.md); softmax has one implementation and no backends',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/tensor/' },
      to: { path: '^src/tensor/(kernels|gpu|wasm)/', pathNot: '^src/tensor/kernels/softmax\\.ts$' },
    },
    {
      name: 'library-not-into-tests',
      comment: 'src/ and machines/ never import tests or benches',
      severity: 'error',
      from: { path: '^(src|machines)/' },
      to: { path: '^(test|property-tests|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^node_modules' },
  },
};
