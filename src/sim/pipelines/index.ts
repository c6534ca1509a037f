export { inferPipeline, selectPipeline, normalizePipelineName, pipelineMismatch, UnknownPipelineError, PIPELINES, type PipelineName } from './infer.ts';
export { runPipeline, runDatafree, runBasic, runSequential, runIndependent, type PipelineOptions } from './run.ts';
export { sequentialSubgraphs, allModules, type Subgraph } from './subgraphs.ts';
