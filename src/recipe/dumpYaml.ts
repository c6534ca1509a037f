/**
 * `yaml.dump(d, sort_keys=False, default_flow_style=None, width=88, allow_unicode=True)` in the
 * `yaml` package's terms (lifecycle.md §8.4): block mappings in insertion order, flow style for a
 * collection whose items are all scalars (the top level too), sequences not indented under their key, single quotes
 * preferred, and scalars written so that PyYAML (and {@link parseYaml}) reads them back unchanged.
 */
import { Document, isPair, isScalar, visit } from 'yaml';
import { pyYamlTags } from './pyyamlSchema.ts';

const isScalarItem = (item: unknown): boolean =>
  isPair(item) ? isScalar(item.key) && isScalar(item.value) : isScalar(item);

/** PyYAML-shaped YAML for plain data (insertion order kept). */
export function dumpYaml(value: unknown): string {
  const doc = new Document(value, { version: '1.1', customTags: pyYamlTags });
  visit(doc, {
    Map(_, node) {
      node.flow = node.items.length === 0 || node.items.every(isScalarItem);
    },
    Seq(_, node) {
      node.flow = node.items.length === 0 || node.items.every(isScalarItem);
    },
  });
  return doc.toString({
    indentSeq: false,
    singleQuote: true,
    lineWidth: 88,
    minContentWidth: 0,
    flowCollectionPadding: false,
  });
}
