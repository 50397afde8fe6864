/**
 * Extension points for mttr backend modules.
 *
 * @packageDocumentation
 */
export * from './extensions';
