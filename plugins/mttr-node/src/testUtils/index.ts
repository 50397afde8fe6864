/**
 * Test utilities for mttr backend modules.
 *
 * @packageDocumentation
 */
export * from './manualScheduler';
