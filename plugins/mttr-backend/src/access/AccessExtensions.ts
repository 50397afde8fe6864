import {
  AccessProvider,
  MttrAccessProviderExtensionPoint,
  MttrOnCallExtensionPoint,
  OnCallLookup,
} from '@mttr-backstage/plugin-mttr-node';

/**
 * Collects what modules bring to the access feature through
 * `mttrOnCallExtensionPoint` and `mttrAccessProviderExtensionPoint`; the
 * plugin registers both extension points with these implementations.
 */
export class AccessExtensions {
  readonly providers = new Map<string, AccessProvider>();
  onCallLookup?: OnCallLookup;

  readonly onCall: MttrOnCallExtensionPoint = {
    setOnCallLookup: lookup => {
      if (this.onCallLookup) {
        throw new Error('An on-call lookup has already been set for mttr');
      }
      this.onCallLookup = lookup;
    },
  };

  readonly accessProviders: MttrAccessProviderExtensionPoint = {
    addAccessProvider: provider => {
      if (this.providers.has(provider.id)) {
        throw new Error(
          `An access provider '${provider.id}' is already installed`,
        );
      }
      this.providers.set(provider.id, provider);
    },
  };
}
