export { AccessRequestDialog, reasonForIncident } from './AccessRequestDialog';
export type { AccessRequestDialogProps } from './AccessRequestDialog';
