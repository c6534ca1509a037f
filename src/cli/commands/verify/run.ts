/** `llmc-sim verify`: load the config, explore, print the verdicts, write the requested files. */
import { writeOutput } from '../../../io/index.ts';
import { AppendPathError } from '../../../io/appendOnly.ts';
import type { Fidelity } from '../../../core/fidelity.ts';
import { defaultConfig, loadConfig, VerifyConfigError, type VerifyConfig } from '../../../verify/config.ts';
import { formatCounterexample } from '../../../verify/counterexample.ts';
import { BUILTIN_PROPERTIES, findProperties, loadProperties, PropertyModuleError, UnknownPropertyError, type Property } from '../../../verify/properties.ts';
import { toPromela } from '../../../verify/promela.ts';
import { saveCounterexample } from '../../../verify/saveCounterexample.ts';
import { verify, type VerifyReport } from '../../../verify/verify.ts';
import { ExitError } from '../../errors.ts';

export interface VerifyCliOptions {
  depth: number;
  property: string[];
  fidelity?: Fidelity;
  json?: boolean;
  counterexample?: string;
  promela?: string;
  properties?: string;
  listProperties?: boolean;
}

interface Stderr {
  isTTY?: boolean;
  write(s: string): unknown;
}

const now = () => performance.now() / 1000;

export async function runVerify(configPath: string | undefined, opts: VerifyCliOptions, out: (line: string) => void, stderr: Stderr): Promise<void> {
  if (opts.listProperties) {
    for (const p of BUILTIN_PROPERTIES) out(`${p.name.padEnd(26)} ${p.kind.padEnd(10)} default: ${p.expect.default.padEnd(5)} reference: ${p.expect.reference.padEnd(5)} ${p.description}`);
    return;
  }
  let config: VerifyConfig;
  let properties: readonly Property[];
  try {
    config = configPath ? loadConfig(configPath, opts.fidelity) : defaultConfig(opts.fidelity ?? 'default');
    const library = opts.properties ? [...BUILTIN_PROPERTIES, ...(await loadProperties(opts.properties))] : BUILTIN_PROPERTIES;
    properties = opts.property.length ? findProperties(opts.property, library) : library;
  } catch (e) {
    if (e instanceof VerifyConfigError || e instanceof UnknownPropertyError || e instanceof PropertyModuleError) throw new ExitError(e.message, 2);
    throw e;
  }
  const progress = stderr.isTTY === true;
  const report = verify(config, {
    depth: opts.depth,
    properties,
    now,
    onLayer: progress ? (p) => stderr.write(`\rverify: depth ${p.depth}, ${p.states} states, ${p.transitions} transitions`) : undefined,
  });
  if (progress) stderr.write('\n');
  if (opts.promela) writeOutput(opts.promela, toPromela(config));
  const unexpected = report.properties.find((p) => p.verdict === 'VIOLATED');
  const shown = unexpected ?? report.properties.find((p) => p.counterexample);
  if (opts.counterexample) {
    if (shown?.counterexample) {
      try {
        saveCounterexample(opts.counterexample, shown.counterexample);
      } catch (e) {
        if (e instanceof AppendPathError) throw new ExitError(`--counterexample: ${e.message}`, 2);
        throw e;
      }
    }
    else stderr.write(`verify: every property holds; no counterexample written to ${opts.counterexample}\n`);
  }
  if (opts.json) out(JSON.stringify(toJson(report)));
  else printReport(report, out);
  if (unexpected) throw new ExitError(`property '${unexpected.name}' is VIOLATED (counterexample above)`, 1);
}

function toJson(r: VerifyReport) {
  const { exploration, ...rest } = r;
  return { ...rest, coverage: exploration.coverage };
}

function printReport(r: VerifyReport, out: (line: string) => void): void {
  const cov = r.exploration.coverage;
  out(
    `explored ${r.states} states, ${r.transitions} transitions, depth ${r.depthReached}${r.complete ? ' (complete: every reachable state)' : ` (bounded at ${r.depthBound})`}, ` +
      `${Math.round(r.statesPerSecond)} states/s, fidelity '${r.fidelity}'`,
  );
  out(`coverage: order machine ${cov.order.covered}/${cov.order.total} transitions; modifier machine ${cov.modifierMachine.covered}/${cov.modifierMachine.total} phase edges`);
  cov.modifiers.forEach((m) => out(`  modifier ${m.index}: ${m.edges.length} (phase, call) → phase edges`));
  const width = Math.max(...r.properties.map((p) => p.name.length));
  for (const p of r.properties) out(`  ${p.name.padEnd(width)}  ${p.text}`);
  for (const p of r.properties) {
    if (p.counterexample && (p.verdict === 'VIOLATED' || p.verdict === 'violated (known quirk)')) {
      out('');
      out(formatCounterexample(p.counterexample));
    }
  }
}
