/*
 * Not imported by index.tsx, where feature discovery installs the plugin:
 * only type-checked, so that the README's other way, passing the plugin to
 * createApp, is checked against the packed /alpha declarations as well.
 */
import { createApp } from '@backstage/frontend-defaults';
import mttrPlugin from '@mttr-backstage/plugin-mttr/alpha';

export const createAppWithoutDiscovery = () =>
  createApp({ features: [mttrPlugin] });
