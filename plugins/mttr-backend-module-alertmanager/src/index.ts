/**
 * The Prometheus Alertmanager incident source for the mttr backend plugin.
 *
 * @packageDocumentation
 */
export { mttrBackendModuleAlertmanager } from './module';
export { mttrBackendModuleAlertmanager as default } from './module';
