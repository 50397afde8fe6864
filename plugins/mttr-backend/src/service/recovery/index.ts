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
export { aggregateUnits } from './aggregateUnits';
export type { AggregatableUnit, UnitFigures } from './aggregateUnits';
export { incidentCountFor } from './incidentCount';
export { readRecoveryDefinitions } from './readRecoveryDefinitions';
export type { RecoveryDefinitions } from './readRecoveryDefinitions';
