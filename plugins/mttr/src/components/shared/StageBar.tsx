import { Box, Typography } from '@material-ui/core';
import {
  RecoveryStages,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';

const STAGES: Array<{
  key: keyof RecoveryStages;
  title: string;
  colour: string;
  pattern: string;
}> = [
  { key: 'detectMs', title: 'Detect', colour: '#5c6bc0', pattern: 'none' },
  {
    key: 'acknowledgeMs',
    title: 'Acknowledge',
    colour: '#26a69a',
    pattern:
      'repeating-linear-gradient(45deg, transparent 0 4px, rgba(255,255,255,.35) 4px 6px)',
  },
  { key: 'mitigateMs', title: 'Mitigate', colour: '#ffa726', pattern: 'none' },
  {
    key: 'resolveMs',
    title: 'Resolve',
    colour: '#ef5350',
    pattern:
      'repeating-linear-gradient(-45deg, transparent 0 4px, rgba(255,255,255,.35) 4px 6px)',
  },
];

/**
 * Where recovery time goes: the median of each stage as a share of a bar,
 * with a legend that names each stage and its duration (colour and stripes
 * tell the segments apart; the words say what they are).
 */
export function StageBar(props: { stages: RecoveryStages }) {
  const { stages } = props;
  const known = STAGES.filter(s => (stages[s.key] ?? 0) > 0);
  const total = known.reduce((sum, s) => sum + (stages[s.key] ?? 0), 0);
  if (total === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No stage timings yet: the incidents carry no acknowledge or mitigate
        events.
      </Typography>
    );
  }
  const summary = STAGES.map(
    s => `${s.title} ${formatDuration(stages[s.key])}`,
  ).join(', ');
  return (
    <Box>
      <Box
        display="flex"
        height={14}
        borderRadius={4}
        overflow="hidden"
        role="img"
        aria-label={`Median time per stage: ${summary}`}
      >
        {known.map(s => (
          <Box
            key={s.key}
            title={`${s.title}: ${formatDuration(stages[s.key])}`}
            style={{
              width: `${((stages[s.key] ?? 0) / total) * 100}%`,
              backgroundColor: s.colour,
              backgroundImage: s.pattern,
            }}
          />
        ))}
      </Box>
      <Box display="flex" flexWrap="wrap" mt={0.5} style={{ gap: 12 }}>
        {STAGES.map(s => (
          <Typography key={s.key} variant="caption" component="span">
            <span
              aria-hidden
              style={{
                display: 'inline-block',
                width: 10,
                height: 10,
                marginRight: 4,
                backgroundColor: s.colour,
                backgroundImage: s.pattern,
              }}
            />
            {s.title} {formatDuration(stages[s.key])}
          </Typography>
        ))}
      </Box>
    </Box>
  );
}
