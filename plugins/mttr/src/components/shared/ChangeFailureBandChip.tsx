import { Chip, Tooltip } from '@material-ui/core';
import { ChangeFailureBand } from '@mttr-backstage/plugin-mttr-common';
import { BAND_COLOURS, BAND_MARKS, BAND_TITLES } from './DoraBandChip';

/*
 * The backend places the rate in its band (thresholds in the backend's
 * mttr.changeFailure.bands): the chip only shows the band it was sent, so
 * that the view and the CSV never disagree on where a rate lies.
 */
const DESCRIPTION =
  'DORA change failure rate band, as the backend places the rate (configurable; by default, from the 2023 State of DevOps report: elite ≤ 5%, high ≤ 10%, medium ≤ 15%, low beyond).';

/**
 * The DORA-style band of a change failure rate, in words, stars and colour
 * as the time-to-restore band; nothing when there is no rate. `compact`
 * (table cells) shows the stars alone: the band's name is in its label
 * and tooltip, and the column's header says what the stars mean.
 */
export function ChangeFailureBandChip(props: {
  band: ChangeFailureBand | null;
  compact?: boolean;
}) {
  const { band, compact } = props;
  if (!band) {
    return null;
  }
  const label = `CFR band: ${BAND_TITLES[band]}`;
  return (
    <Tooltip title={compact ? `${label}. ${DESCRIPTION}` : DESCRIPTION}>
      <Chip
        size="small"
        label={compact ? BAND_MARKS[band] : `${label} ${BAND_MARKS[band]}`}
        aria-label={label}
        data-testid="mttr-cfr-band"
        style={{ backgroundColor: BAND_COLOURS[band], color: '#fff' }}
        tabIndex={0}
      />
    </Tooltip>
  );
}
