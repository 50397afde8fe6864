/**
 * Extension points for mttr backend modules.
 *
 * @packageDocumentation
 */
export * from './extensions';
export * from './accessRequests';
export * from './retry';
export * from './deployments';
