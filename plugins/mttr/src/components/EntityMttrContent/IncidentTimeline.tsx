import { Box, Typography } from '@material-ui/core';
import { Incident, formatDuration } from '@mttr-backstage/plugin-mttr-common';
import { IncidentFacts } from './IncidentFacts';
import { TimelineStep, formatTime, timelineSteps } from './timelineSteps';
import { countSentence, countUnder } from './recoveryDistribution';

function stepText(step: TimelineStep) {
  const time = formatTime(step.at);
  switch (step.kind) {
    case 'access_requested':
      return `access requested at ${time}: ${step.target}`;
    case 'access_granted':
      return `access granted at ${time}: ${step.target}${
        step.breakGlass ? ' (break-glass)' : ''
      }`;
    case 'updated':
      return `updated at ${time} (details changed, the state did not)`;
    default:
      return `${step.kind} at ${time}`;
  }
}

/**
 * What happened to one incident, by time (its events and the just-in-time
 * access asked for and granted on it), what the levers say of it, and how
 * it counted under the chosen definition.
 */
export function IncidentTimeline(props: {
  incident: Incident;
  definition: string;
  definitionTitle: string;
}) {
  const { incident, definition, definitionTitle } = props;
  const count = countUnder(incident, definition);
  const units =
    incident.counts.find(c => c.definition === definition)?.units ?? [];
  return (
    <Box px={6} py={2}>
      <IncidentFacts incident={incident} />
      <Typography variant="subtitle2" component="h4">
        Timeline
      </Typography>
      <Box component="ol" m={0} pl={2} data-testid="mttr-incident-timeline">
        {timelineSteps(incident).map(step => (
          <li key={step.key} data-step={step.kind}>
            <Typography variant="body2" component="span">
              {stepText(step)}
            </Typography>
          </li>
        ))}
      </Box>
      <Typography variant="subtitle2" component="h4" style={{ marginTop: 8 }}>
        Under “{definitionTitle}”
      </Typography>
      <Typography variant="body2">
        {countSentence(count, formatDuration(count.durationMs))}
      </Typography>
      {units.length > 0 && (
        <Box component="ul" m={0} pl={2}>
          {units.map(unit => (
            <li key={unit.startAt}>
              <Typography variant="body2" component="span">
                from {formatTime(unit.startAt)} to{' '}
                {unit.endAt ? formatTime(unit.endAt) : 'now (still open)'}:{' '}
                {unit.durationMs === null
                  ? 'running'
                  : formatDuration(unit.durationMs)}
                {unit.reopened ? ', reopened' : ''}
              </Typography>
            </li>
          ))}
        </Box>
      )}
    </Box>
  );
}
