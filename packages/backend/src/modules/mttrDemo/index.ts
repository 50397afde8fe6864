export { mttrDemoIncidentsModule as default } from './module';
