export { UnmappedTab } from './UnmappedTab';
export type { UnmappedTabProps } from './UnmappedTab';
