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
  DeploymentsQuery,
  AccessRequestsQuery,
  NewAccessRequest,
} from './MttrApi';
export { MttrClient } from './MttrClient';
