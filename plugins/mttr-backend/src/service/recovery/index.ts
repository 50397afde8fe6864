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
  changeOf,
  digestOf,
  emptyDigest,
  figuresOfDigest,
  figuresWithChange,
  figuresWithChangeOfDigest,
  previousWindowOf,
} from './aggregateUnits';
export {
  mannWhitneyPValue,
  quantileInterval,
  quantileIntervalRanks,
} from './uncertainty';
export type {
  AggregatableUnit,
  UnitDigest,
  UnitFigures,
} from './aggregateUnits';
export { incidentCountFor } from './incidentCount';
export { readRecoveryDefinitions } from './readRecoveryDefinitions';
export type { RecoveryDefinitions } from './readRecoveryDefinitions';
