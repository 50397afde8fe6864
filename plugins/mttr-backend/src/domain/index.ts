// What the layers of the backend share: the engine's incidents and units,
// and unit digests. Nothing here imports from the layers above
// (service/, database/).
export type { DerivedIncident, EngineEvent, IncidentCycle } from './incident';
export type {
  RecoveryUnit,
  UnitLeverIncident,
  UnitLevers,
  UnitOutcome,
} from './recoveryUnit';
export type { AggregatableUnit, UnitDigest } from './unitDigest';
export { addToDigest, digestOf, emptyDigest } from './unitDigest';
export type { EntityRange } from './entityRange';
