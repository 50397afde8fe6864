import { Chip, Tooltip, Typography } from '@material-ui/core';
import { formatDuration } from '@mttr-backstage/plugin-mttr-common';
import { DoraBand, DoraPlacement, DoraThresholds } from './doraBand';

/** The band's name, as every band chip writes it. */
export const BAND_TITLES: Record<DoraBand, string> = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** Stars spell out the band so that colour is never the only signal. */
export const BAND_MARKS: Record<DoraBand, string> = {
  elite: '★★★★',
  high: '★★★☆',
  medium: '★★☆☆',
  low: '★☆☆☆',
};

/** One colour per band for every DORA-style chip (time to restore, change failure rate). */
export const BAND_COLOURS: Record<DoraBand, string> = {
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

/**
 * The DORA band of the median time to recovery, in words and colour, when
 * the median's whole 95% interval lies in one band; otherwise the bands it
 * spans, or that there are too few recoveries to place it.
 */
export function DoraBandChip(props: {
  placement: DoraPlacement | undefined;
  thresholds: DoraThresholds;
}) {
  const { placement, thresholds } = props;
  if (!placement) {
    return null;
  }
  if ('unplaced' in placement) {
    return (
      <Typography variant="body2" color="textSecondary">
        DORA band: not enough recoveries to place
      </Typography>
    );
  }
  if ('between' in placement) {
    const { slower, faster } = placement.between;
    const label = `DORA band: between ${BAND_TITLES[slower]} and ${BAND_TITLES[faster]}`;
    return (
      <Tooltip
        title={`${doraBandDescription(
          thresholds,
        )} The median's 95% interval spans more than one band.`}
      >
        <Chip
          size="small"
          variant="outlined"
          label={label}
          aria-label={label}
          tabIndex={0}
        />
      </Tooltip>
    );
  }
  const { band } = placement;
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
