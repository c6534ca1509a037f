export { inferPipeline, selectPipeline } from './infer.ts';
export { sequentialSubgraphs } from './subgraphs.ts';
