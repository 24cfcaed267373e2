/**
 * The mapping language: declarative two-way field mappings between a connector stream's records
 * and a canonical entity, loaded with precise errors and compiled once into plain functions.
 *
 * @example
 * const loaded = await loadMappingFile('mappings/meta-leads.yaml');
 * if (!loaded.ok) for (const e of loaded.errors) process.stdout.write(`${e.format()}\n`);
 * else {
 *   const mapping = compileMapping(loaded.doc);
 *   const { value, errors, quarantined } = mapping.in(metaLead);
 * }
 */
export {
  compileMapping,
  hashOf,
  MappingCompileError,
  quarantineEntries,
  type CompiledField,
  type CompiledMapping,
  type MappingDoc,
  type MappingResult,
} from './compile.ts';
export { formatDocPath, MappingError, type DocPath, type FieldError } from './errors.ts';
export { mappingJsonSchema, SCHEMA_FILE } from './json-schema.ts';
export * from './limits.ts';
export { loadMappingFile, loadMappingText, locateProblems, type LoadResult } from './load.ts';
export {
  previewInWorker,
  type PreviewJob,
  type PreviewOutcome,
  type PreviewResult,
} from './preview.ts';
export { patternProblem } from './regex-safety.ts';
export { compileGetter, compileSetter } from './accessor.ts';
export { parsePath, PathSyntaxError, type PathSegment } from './path.ts';
export { mappingSchema, type FieldSpec, type MappingSpec } from './schema.ts';
export { didYouMean, editDistance } from './suggest.ts';
export { transformNames, transforms } from './transforms/index.ts';
