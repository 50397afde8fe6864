export { mttrApiRef } from './MttrApi';
export type {
  MttrApi,
  MetricsWindow,
  EntityMetricsQuery,
  ByEntityQuery,
  MetricsSeriesQuery,
  IncidentsQuery,
} from './MttrApi';
export { MttrClient } from './MttrClient';
