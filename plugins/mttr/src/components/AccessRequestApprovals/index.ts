export { AccessRequestApprovals } from './AccessRequestApprovals';
export type { AccessRequestApprovalsProps } from './AccessRequestApprovals';
