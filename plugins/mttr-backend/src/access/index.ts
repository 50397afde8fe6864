export {
  createAccessFeature,
  ACCESS_EXPIRY_TASK_ID,
} from './createAccessFeature';
export type { AccessFeatureOptions } from './createAccessFeature';
export { AccessExtensions } from './AccessExtensions';
export { openIncidentsFromStore } from './OpenIncidentLookup';
export type { OpenIncidentLookup, OpenIncident } from './OpenIncidentLookup';
export { DatabaseIncidentAccess } from './IncidentAccess';
export type { IncidentAccessReader } from './IncidentAccess';
