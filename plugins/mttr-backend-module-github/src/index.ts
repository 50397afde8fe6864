/**
 * The GitHub deployment source for the mttr backend plugin.
 *
 * @packageDocumentation
 */
export { mttrBackendModuleGitHub } from './module';
export { mttrBackendModuleGitHub as default } from './module';
