import { Checkbox, ListItemText, MenuItem, TextField } from '@material-ui/core';
import { ChangeFailureBand } from '@mttr-backstage/plugin-mttr-common';
import { BAND_TITLES } from '../shared/DoraBandChip';

/** What the band filter picks: a band, or the rows without a rate. */
export type ChangeFailureBandChoice = ChangeFailureBand | 'none';

/** The choices in the order the backend's parameter lists them. */
export const CHANGE_FAILURE_BAND_CHOICES: ChangeFailureBandChoice[] = [
  'elite',
  'high',
  'medium',
  'low',
  'none',
];

const CHOICE_TITLES: Record<ChangeFailureBandChoice, string> = {
  ...BAND_TITLES,
  none: 'No deployments',
};

/**
 * Picks the change failure rate bands whose rows the table shows (any
 * number of them; none picked: every row). The choice is kept in the
 * backend's order, so that picking low then medium asks what picking
 * medium then low does.
 */
export function ChangeFailureBandFilter(props: {
  value: ChangeFailureBandChoice[];
  onChange: (bands: ChangeFailureBandChoice[]) => void;
}) {
  const { value, onChange } = props;
  return (
    <TextField
      id="mttr-compare-cfr-band"
      select
      label="CFR band"
      value={value}
      onChange={e => {
        const picked = e.target.value as unknown as ChangeFailureBandChoice[];
        onChange(CHANGE_FAILURE_BAND_CHOICES.filter(c => picked.includes(c)));
      }}
      SelectProps={{
        multiple: true,
        displayEmpty: true,
        renderValue: selected => {
          const bands = selected as ChangeFailureBandChoice[];
          return bands.length
            ? bands.map(b => CHOICE_TITLES[b]).join(', ')
            : 'Any';
        },
      }}
      variant="outlined"
      size="small"
      InputLabelProps={{ shrink: true }}
      style={{ minWidth: 120 }}
    >
      {CHANGE_FAILURE_BAND_CHOICES.map(choice => (
        <MenuItem key={choice} value={choice} dense>
          <Checkbox
            size="small"
            checked={value.includes(choice)}
            color="primary"
          />
          <ListItemText primary={CHOICE_TITLES[choice]} />
        </MenuItem>
      ))}
    </TextField>
  );
}
