import { Chip, Tooltip } from '@material-ui/core';
import { formatDuration } from '@mttr-backstage/plugin-mttr-common';
import { DoraBand, DoraThresholds } from './doraBand';

const BAND_TITLES: Record<DoraBand, string> = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** Stars spell out the band so that colour is never the only signal. */
const BAND_MARKS: Record<DoraBand, string> = {
  elite: '★★★★',
  high: '★★★☆',
  medium: '★★☆☆',
  low: '★☆☆☆',
};

const BAND_COLOURS: Record<DoraBand, string> = {
  elite: '#1b5e20',
  high: '#2e7d32',
  medium: '#ef6c00',
  low: '#c62828',
};

/** What each band means, with the configured thresholds. */
export function doraBandDescription(t: DoraThresholds): string {
  return `DORA time to restore service: elite under ${formatDuration(
    t.eliteMs,
  )}, high under ${formatDuration(t.highMs)}, medium under ${formatDuration(
    t.mediumMs,
  )}, low beyond.`;
}

/** The DORA band of the median time to recovery, in words and colour. */
export function DoraBandChip(props: {
  band: DoraBand | undefined;
  thresholds: DoraThresholds;
}) {
  const { band, thresholds } = props;
  if (!band) {
    return null;
  }
  const label = `DORA band: ${BAND_TITLES[band]}`;
  return (
    <Tooltip title={doraBandDescription(thresholds)}>
      <Chip
        size="small"
        label={`${label} ${BAND_MARKS[band]}`}
        aria-label={label}
        style={{ backgroundColor: BAND_COLOURS[band], color: '#fff' }}
        tabIndex={0}
      />
    </Tooltip>
  );
}
