export { AccessRequestStatus } from './AccessRequestStatus';
export type { AccessRequestStatusProps } from './AccessRequestStatus';
export { AccessRequestHistory } from './AccessRequestHistory';
export { formatCountdown } from './countdown';
