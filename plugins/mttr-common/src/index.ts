/**
 * Types, permissions and pure functions shared by the mttr plugins.
 *
 * @packageDocumentation
 */
export * from './events';
export * from './definitions';
export * from './metrics';
export * from './incidents';
export * from './mappings';
export * from './access';
export * from './permissions';
export * from './annotations';
export * from './durations';
export * from './percentiles';
export * from './comparisonCsv';
export * from './deployments';
export * from './levers';
