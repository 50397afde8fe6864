/**
 * Extension points for mttr backend modules.
 *
 * @packageDocumentation
 */
export * from './extensions';
export * from './retry';
