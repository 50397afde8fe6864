/**
 * The mttr frontend plugin: the recovery card and Recovery tab of a service,
 * and the stability comparison page.
 *
 * @packageDocumentation
 */
export {
  mttrPlugin,
  MttrComparisonPage,
  EntityMttrCard,
  EntityMttrContent,
} from './plugin';
export { mttrApiRef, MttrClient } from './api';
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
} from './api';
export type { EntityMttrCardProps } from './components/EntityMttrCard';
export type { EntityMttrContentProps } from './components/EntityMttrContent';
export type {
  MttrComparisonPageProps,
  ComparisonTab,
} from './components/MttrComparisonPage';
export type {
  IncidentAction,
  IncidentActionsProps,
  IncidentActionsRenderer,
} from './components/IncidentActions';
export { accessIncidentActions } from './components/AccessIncidentActions';
export { isMttrAvailable } from './components/isMttrAvailable';
