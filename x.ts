import { explore } from './src/verify/explore.ts';
import { defaultConfig } from './src/verify/config.ts';
import { BUILTIN_PROPERTIES } from './src/verify/properties.ts';
for (const f of ['default', 'reference'] as const) {
  const r = explore(defaultConfig(f), { depth: 12, properties: BUILTIN_PROPERTIES, now: () => performance.now() / 1000 });
  console.log(f, r.states, r.transitions, r.depthReached, r.complete, r.seconds.toFixed(3), Math.round(r.statesPerSecond));
  for (const [k, v] of r.violations) console.log(' ', k, v.calls.map((c) => c.call === 'event' ? `${c.type}${JSON.stringify(c.options)}` : c.call).join(' → '));
  console.log(r.coverage.order.covered, r.coverage.order.total, r.coverage.modifierMachine, r.coverage.modifiers[0].edges.length);
}
