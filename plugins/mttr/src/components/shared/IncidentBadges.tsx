import { Chip } from '@material-ui/core';
import { Severity } from '@mttr-backstage/plugin-mttr-common';

const SEVERITY_COLOURS: Record<string, string> = {
  sev1: '#b71c1c',
  sev2: '#e65100',
  sev3: '#f9a825',
  sev4: '#546e7a',
  sev5: '#78909c',
};

/** The severity, written out (the colour only repeats what the text says). */
export function SeverityChip(props: { severity?: Severity }) {
  const { severity } = props;
  return (
    <Chip
      size="small"
      label={severity ?? 'no severity'}
      style={{
        backgroundColor: severity ? SEVERITY_COLOURS[severity] : undefined,
        color: severity ? '#fff' : undefined,
      }}
    />
  );
}
