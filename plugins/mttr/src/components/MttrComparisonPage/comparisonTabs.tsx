import { ReactElement } from 'react';
import { ServicesTab } from './ServicesTab';
import { AccessRequestApprovals } from '../AccessRequestApprovals';
import { UnmappedTab } from '../UnmappedTab';

/**
 * A tab of the comparison page.
 *
 * @public
 */
export interface ComparisonTab {
  /** Used in the URL: `/mttr?tab=<id>`. */
  id: string;
  label: string;
  element: ReactElement;
}

/**
 * The tabs of the comparison page, in order. Other features of the plugin
 * add theirs here: the access feature its "Access requests" approvals list,
 * the mappings feature its "Unmapped" incidents list.
 */
export const comparisonTabs: ComparisonTab[] = [
  { id: 'services', label: 'Services', element: <ServicesTab /> },
  {
    id: 'access',
    label: 'Access requests',
    element: <AccessRequestApprovals />,
  },
  { id: 'unmapped', label: 'Unmapped', element: <UnmappedTab /> },
];
