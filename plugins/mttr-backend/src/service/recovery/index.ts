export type {
  EngineEvent,
  DerivedIncident,
  IncidentCycle,
  RecoveryUnit,
  UnitOutcome,
} from './types';
export { deriveIncident, compareEvents } from './deriveIncident';
export {
  deriveUnits,
  groupKeyOf,
  incidentKeyOf,
  definitionStartMs,
} from './deriveUnits';
export {
  addToDigest,
  aggregateUnits,
  emptyDigest,
  figuresOfDigest,
} from './aggregateUnits';
export type {
  AggregatableUnit,
  UnitDigest,
  UnitFigures,
} from './aggregateUnits';
export { incidentCountFor } from './incidentCount';
export { readRecoveryDefinitions } from './readRecoveryDefinitions';
export type { RecoveryDefinitions } from './readRecoveryDefinitions';
