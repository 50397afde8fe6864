/**
 * The PagerDuty incident source for the mttr backend plugin.
 *
 * @packageDocumentation
 */
export { mttrBackendModulePagerDuty } from './module';
export { mttrBackendModulePagerDuty as default } from './module';
