import { Typography } from '@material-ui/core';

/** Severities in order, `none` last, as the backend's `severityMix` keys them. */
const ORDER = ['sev1', 'sev2', 'sev3', 'sev4', 'sev5', 'none'];

/** "sev1 2 · sev3 5 · none 1": which kinds of incidents the figures are made of. */
export function severityMixText(mix: Record<string, number>): string {
  const keys = Object.keys(mix)
    .filter(k => mix[k] > 0)
    .sort((a, b) => rank(a) - rank(b));
  return keys.length ? keys.map(k => `${k} ${mix[k]}`).join(' · ') : '–';
}

function rank(key: string) {
  const i = ORDER.indexOf(key);
  return i === -1 ? ORDER.length : i;
}

/** The severity mix, in words, for placing next to an MTTR. */
export function SeverityMix(props: { mix: Record<string, number> }) {
  return (
    <Typography variant="caption" color="textSecondary" component="span">
      {severityMixText(props.mix)}
    </Typography>
  );
}
