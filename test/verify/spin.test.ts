/**
 * SPIN cross-check: the Promela export of a configuration, run by SPIN, must reach the same states
 * (SPIN also stores the one state before `init` fills its tables: stored = explorer + 1) and see the
 * same properties violated as the explorer. CI installs spin and gcc (.ci/run); without them
 * locally the test is skipped and says so.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, probe, type VerifyConfig } from '../../src/verify/config.ts';
import { verify } from '../../src/verify/verify.ts';
import { PROMELA_PROPERTIES, toPromela } from '../../src/verify/promela.ts';
import { runSpin, spinAvailable } from '../../src/verify/spin.ts';

const HAVE_SPIN = spinAvailable();
if (!HAVE_SPIN) console.warn('test/verify/spin.test.ts: SKIPPED — `spin` or `gcc` is not on PATH (CI installs both: apt-get install -y spin gcc)');

const CONFIGS: Array<[string, VerifyConfig]> = [
  ["two probes, 'default'", { ...defaultConfig('default'), probes: defaultConfig().probes.slice(1) }],
  ["three probes, 'reference' (Q1, Q3)", defaultConfig('reference')],
  ['throwing and false-returning hooks', { probes: [probe({ start: 0, end: 1, raisesIn: 'onEnd' }), probe({ start: 1, initializeReturns: false, finalizeReturns: false })], fidelity: 'default', steps: [1] }],
];

describe.runIf(process.env.LLMC_REQUIRE_SPIN === '1')('CI', () => {
  it('has spin and gcc (.ci/run installs them)', () => expect(HAVE_SPIN).toBe(true));
});

describe.skipIf(!HAVE_SPIN)('SPIN agrees with the explorer', () => {
  it.each(CONFIGS)('%s: state count and every verdict', (_, config) => {
    // Arrange
    const report = verify(config, { depth: 100 });
    const explorerViolated = report.properties.filter((p) => p.counterexample && (PROMELA_PROPERTIES as readonly string[]).includes(p.name)).map((p) => p.name);
    // Act
    const spin = runSpin(toPromela(config), { optimize: 0 });
    // Assert
    expect(report.complete).toBe(true);
    expect(spin.statesStored).toBe(report.states + 1);
    expect(spin.transitions).toBe(report.transitions + 2);
    expect([...spin.violated].sort()).toEqual(explorerViolated.sort());
    // pan's CPU time is read (bash's `times`), for the bench's load-independent comparison.
    expect(Number.isFinite(spin.cpuSeconds) && spin.cpuSeconds >= 0).toBe(true);
  });

  it('sees a violation the export plants (the comparison can fail)', () => {
    // Swap the spec's order table for one that forbids everything: SPIN must report order-rule.
    const pml = toPromela({ ...defaultConfig('default'), probes: defaultConfig().probes.slice(2) }).replace(/v\[\] = \{[^}]*\}(; int i; for \(i = 0; i < 25; i\+\+\) SPEC_OK)/, `v[] = {${Array(25).fill(0).join(',')}}$1`);
    expect(pml).toContain(`v[] = {${Array(25).fill(0).join(',')}}; int i; for (i = 0; i < 25; i++) SPEC_OK`);
    expect(runSpin(pml, { optimize: 0 }).violated.has('order-rule')).toBe(true);
  });
});
