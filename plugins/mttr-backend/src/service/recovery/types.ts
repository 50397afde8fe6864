// The engine's types live in src/domain, below both the service and the
// store; re-exported here for the engine's own modules.
export type {
  DerivedIncident,
  EngineEvent,
  IncidentCycle,
} from '../../domain/incident';
export type { RecoveryUnit, UnitOutcome } from '../../domain/recoveryUnit';
