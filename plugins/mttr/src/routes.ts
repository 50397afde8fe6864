import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The route of the stability comparison page.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({
  id: 'mttr',
});
