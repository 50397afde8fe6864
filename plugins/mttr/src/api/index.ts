export { mttrApiRef } from './MttrApi';
export type {
  MttrApi,
  MetricsWindow,
  EntityMetricsQuery,
  ByEntityQuery,
  ComparisonQuery,
  ComparisonCsvQuery,
  MetricsSeriesQuery,
  IncidentsQuery,
  AccessRequestsQuery,
  NewAccessRequest,
} from './MttrApi';
export { MttrClient } from './MttrClient';
