import {
  Table as MuiTable,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { InfoCard } from '@backstage/core-components';
import {
  RecoveryDefinition,
  RecoveryMetrics,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
import { formatFrequency } from '../shared/timeWindow';

/**
 * The same window under every definition, one row each, so that a team sees
 * how far apart e.g. "mitigated" and "resolved" are for them.
 */
export function DefinitionsSideBySide(props: {
  definitions: RecoveryDefinition[];
  metrics: RecoveryMetrics[];
  windowText: string;
}) {
  const { definitions, metrics, windowText } = props;
  return (
    <InfoCard
      title="Under every definition"
      subheader={`${windowText}: the same incidents, counted each way`}
    >
      <MuiTable
        size="small"
        aria-label={`Figures under every definition, ${windowText}`}
      >
        <TableHead>
          <TableRow>
            <TableCell component="th">Definition</TableCell>
            <TableCell component="th" align="right">
              Median
            </TableCell>
            <TableCell component="th" align="right">
              p90
            </TableCell>
            <TableCell component="th" align="right">
              Mean
            </TableCell>
            <TableCell component="th" align="right">
              Counted
            </TableCell>
            <TableCell component="th" align="right">
              Excluded
            </TableCell>
            <TableCell component="th" align="right">
              Per 30 days
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {definitions.map((definition, i) => {
            const m = metrics[i];
            return (
              <TableRow key={definition.id}>
                <TableCell component="th" scope="row">
                  {definition.title}
                  {definition.description && (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      component="div"
                    >
                      {definition.description}
                    </Typography>
                  )}
                </TableCell>
                <TableCell align="right">
                  {formatDuration(m.medianMs)}
                </TableCell>
                <TableCell align="right">{formatDuration(m.p90Ms)}</TableCell>
                <TableCell align="right">{formatDuration(m.meanMs)}</TableCell>
                <TableCell align="right">{m.count}</TableCell>
                <TableCell align="right">{m.excluded}</TableCell>
                <TableCell align="right">
                  {formatFrequency(m.frequencyPer30d)}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </MuiTable>
    </InfoCard>
  );
}
