import { ReactNode } from 'react';
import { Link } from '@backstage/core-components';
import { isSafeHttpUrl } from '@mttr-backstage/plugin-mttr-common';

/**
 * A link only when `url` is an absolute http(s) URL. Anything else
 * (`javascript:`, relative paths, typos) is shown as plain text, with the
 * value beside it, so that a string typed into a catalog file can never run
 * in the page yet the person still sees what was written.
 */
export function SafeLink(props: { url?: string; children?: ReactNode }) {
  const { url, children } = props;
  if (url && isSafeHttpUrl(url)) {
    return (
      <Link to={url} target="_blank" rel="noopener noreferrer">
        {children ?? url}
      </Link>
    );
  }
  const showUrl = url && children !== undefined && children !== url;
  return (
    <span title="Not an http(s) address: shown as text">
      {children ?? url}
      {showUrl ? ` (${url})` : ''}
    </span>
  );
}
