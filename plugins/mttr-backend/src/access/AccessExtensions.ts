import {
  AccessProvider,
  AccessRequestFiling,
  MttrAccessProviderExtensionPoint,
  MttrAccessRequestsExtensionPoint,
  MttrOnCallExtensionPoint,
  OnCallLookup,
} from '@mttr-backstage/plugin-mttr-node';

/**
 * Collects what modules bring to the access feature through
 * `mttrOnCallExtensionPoint`, `mttrAccessProviderExtensionPoint` and
 * `mttrAccessRequestsExtensionPoint`; the plugin registers the extension
 * points with these implementations.
 */
export class AccessExtensions {
  readonly providers = new Map<string, AccessProvider>();
  onCallLookup?: OnCallLookup;
  /** Modules waiting for the feature to start, to file requests. */
  readonly whenStarted: Array<{
    filedBy: string;
    callback: (requests: AccessRequestFiling) => Promise<void>;
  }> = [];

  readonly accessRequests: MttrAccessRequestsExtensionPoint = {
    whenStarted: (filedBy, callback) => {
      this.whenStarted.push({ filedBy, callback });
    },
  };

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
