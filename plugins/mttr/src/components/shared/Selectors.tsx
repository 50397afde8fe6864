import { TextField } from '@material-ui/core';
import { RecoveryDefinition } from '@mttr-backstage/plugin-mttr-common';
import { WINDOW_DAYS } from './timeWindow';

/** A labelled picker of the recovery definition (native select: keyboard friendly). */
export function DefinitionSelect(props: {
  id: string;
  definitions: RecoveryDefinition[];
  value: string;
  onChange: (id: string) => void;
}) {
  const { id, definitions, value, onChange } = props;
  return (
    <TextField
      id={id}
      select
      label="Recovery definition"
      value={value}
      onChange={e => onChange(e.target.value)}
      SelectProps={{ native: true }}
      variant="outlined"
      size="small"
    >
      {definitions.map(d => (
        <option key={d.id} value={d.id}>
          {d.title}
        </option>
      ))}
    </TextField>
  );
}

/** A labelled picker of the time window (30/90/180/365 days). */
export function WindowSelect(props: {
  id: string;
  value: number;
  onChange: (days: number) => void;
}) {
  const { id, value, onChange } = props;
  return (
    <TextField
      id={id}
      select
      label="Time window"
      value={String(value)}
      onChange={e => onChange(Number(e.target.value))}
      SelectProps={{ native: true }}
      variant="outlined"
      size="small"
    >
      {WINDOW_DAYS.map(days => (
        <option key={days} value={days}>
          Last {days} days
        </option>
      ))}
    </TextField>
  );
}
