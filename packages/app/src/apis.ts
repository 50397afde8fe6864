import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import {
  AnyApiFactory,
  configApiRef,
  createApiFactory,
} from '@backstage/core-plugin-api';

/**
 * APIs of the app itself; plugins bring their own (the mttr plugin registers
 * its client in its createPlugin call).
 */
export const apis: AnyApiFactory[] = [
  // The catalog's "view source" links on the about card need it.
  createApiFactory({
    api: scmIntegrationsApiRef,
    deps: { configApi: configApiRef },
    factory: ({ configApi }) => ScmIntegrationsApi.fromConfig(configApi),
  }),
];
