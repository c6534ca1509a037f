/** The Linear modules a pruning modifier acts on, resolved once against the model. */
import { ValueError } from '../../core/errors.ts';
import type { Linear } from '../../model/modules.ts';
import { match } from '../../compressed-tensors/match.ts';
import { requireModel } from '../_internals/requireModel.ts';

export function targetLinears(modifier: string, model: unknown, targets: readonly string[], ignore: readonly string[]): Array<[string, Linear]> {
  const found = [...match(requireModel(modifier, model), targets, ignore)].filter((entry): entry is [string, Linear] => entry[1].kind === 'linear');
  if (found.length === 0) {
    throw new ValueError(`${modifier}: targets ${JSON.stringify(targets)} match no Linear module of the model`);
  }
  return found;
}
