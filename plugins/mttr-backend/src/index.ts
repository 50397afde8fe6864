/**
 * The mttr backend plugin: incident events in, recovery metrics out.
 *
 * @packageDocumentation
 */
export { mttrPlugin as default } from './plugin';
