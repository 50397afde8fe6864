import { Fragment, memo, useMemo } from 'react';
import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TablePagination,
  TableRow,
  TableSortLabel,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { formatDuration } from '@mttr-backstage/plugin-mttr-common';
import { ChangeFailureBandChip } from '../shared/ChangeFailureBandChip';
import { severityMixText } from '../shared/SeverityMix';
import { formatFrequency, formatRate } from '../shared/timeWindow';
import { formatChangeFailureRate } from '../shared/stabilityWording';
import {
  describeChange,
  describeInterval,
  formatInterval,
} from '../shared/uncertainty';
import {
  ComparisonRow,
  SortField,
  changeVerdictOf,
  fleetPositionOf,
} from './comparisonRows';
import { MedianWhisker, WhiskerScale, whiskerScaleOf } from './MedianWhisker';

const COLUMNS: Array<{
  field: SortField;
  title: string;
  numeric: boolean;
  /** What the column counts, on hover of its header. */
  description?: string;
}> = [
  { field: 'name', title: 'Service', numeric: false },
  { field: 'owner', title: 'Owner', numeric: false },
  { field: 'medianMs', title: 'Median MTTR', numeric: true },
  { field: 'p90Ms', title: 'p90', numeric: true },
  { field: 'meanMs', title: 'Mean', numeric: true },
  { field: 'count', title: 'Incidents', numeric: true },
  { field: 'frequencyPer30d', title: 'Per 30 days', numeric: true },
  { field: 'totalDowntimeMs', title: 'Downtime', numeric: true },
  { field: 'reopenRate', title: 'Reopen rate', numeric: true },
  { field: 'change', title: 'Change (median)', numeric: true },
  {
    field: 'changeFailureRate',
    title: 'CFR',
    numeric: true,
    description:
      'Change failure rate: change failures / live deployments, with the counts and its DORA band (★★★★ elite, ★★★☆ high, ★★☆☆ medium, ★☆☆☆ low)',
  },
  {
    field: 'deploymentFrequencyPer30d',
    title: 'Deploys / 30 d',
    numeric: true,
    description: 'Live deployments per 30 days',
  },
  {
    field: 'failedDeploymentRecoveryMs',
    title: 'Deploy recovery',
    numeric: true,
    description:
      'Median failed-deployment recovery time, with how many change failures recovered',
  },
  {
    field: 'reviewCoverage',
    title: 'Reviews',
    numeric: true,
    description:
      'Review coverage: reviews published in time / incidents due a review',
  },
  {
    field: 'openActionItems',
    title: 'Open actions',
    numeric: true,
    description: "Open action items of the window's incidents",
  },
  {
    field: 'medianTimeToAccessMs',
    title: 'Time to access',
    numeric: true,
    description:
      "Median from an incident's start to its first just-in-time access grant, with how many incidents had one",
  },
];

/** Durations and headers stay on one line: "11h 46m" must not break. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

const useStyles = makeStyles(theme => ({
  // Sixteen columns, the median with its interval: narrower gutters than
  // Material's 16 + 24 pixels. In a 1440-pixel window the recovery figures
  // (service to change) fit; the deployment and lever figures scroll in
  // beside them, under the service column, which stays in place.
  compact: {
    '& th, & td': { paddingLeft: 10, paddingRight: 10 },
    // Opaque rows (the theme stripes every other one), so that the sticky
    // column below can take its row's colour.
    '& tbody tr': { backgroundColor: theme.palette.background.paper },
    // A hovered row's colour is translucent: painted over the paper, so
    // that the figures scrolling under the service column stay hidden.
    '& tbody tr:hover $sticky': {
      backgroundColor: theme.palette.background.paper,
      backgroundImage: `linear-gradient(${theme.palette.action.hover}, ${theme.palette.action.hover})`,
    },
  },
  // Where the window is narrower still, the figures scroll under the
  // service's name, which stays in place.
  sticky: {
    position: 'sticky',
    left: 0,
    zIndex: 1,
    backgroundColor: 'inherit',
  },
  stickyHead: {
    position: 'sticky',
    left: 0,
    zIndex: 3,
    backgroundColor: theme.palette.background.paper,
  },
  // A new page is on its way: the rows shown are the previous ones.
  busy: { opacity: 0.6 },
}));

/** Rows per page: the backend sends one page, so 10,000 rows cost what 25 do. */
export const PAGE_SIZES = [25, 50, 100];

/**
 * Text that may break between its parts in a narrow window, never inside
 * one: "sev1 2 ·" stays together, as does "(p = 0.41)".
 */
function BreakBetween(props: { parts: string[] }) {
  const { parts } = props;
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && ' '}
          <span style={NO_WRAP}>{part}</span>
        </Fragment>
      ))}
    </>
  );
}

/**
 * The median cell: the median with its 95% interval as a whisker beside it
 * and as text under it (or that it is not bounded yet), and, only when the
 * interval excludes the fleet median, whether the median is slower or
 * faster than it.
 */
function MedianCell(props: {
  row: ComparisonRow;
  scale: WhiskerScale | undefined;
  fleetMedianMs: number | null;
}) {
  const { row, scale, fleetMedianMs } = props;
  const interval = formatInterval(row.medianCi);
  const position = fleetPositionOf(row.medianCi, fleetMedianMs);
  return (
    <>
      {row.medianCi && row.medianMs !== null && scale && (
        <MedianWhisker
          medianMs={row.medianMs}
          ci={row.medianCi}
          scale={scale}
          fleetMedianMs={fleetMedianMs}
        />
      )}
      {formatDuration(row.medianMs)}
      {row.medianMs !== null && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="div"
          data-testid="mttr-median-ci"
          title={describeInterval(row.medianCi, row.recovered)}
        >
          {interval ?? `not bounded (${row.recovered})`}
        </Typography>
      )}
      {position && (
        <Typography
          variant="caption"
          component="div"
          data-testid="mttr-fleet-position"
        >
          {position === 'slower'
            ? '▲ slower than fleet'
            : '▼ faster than fleet'}
        </Typography>
      )}
      <Typography
        variant="caption"
        color="textSecondary"
        component="div"
        style={{ whiteSpace: 'normal' }}
      >
        <BreakBetween
          parts={severityMixText(row.severityMix)
            .split(' · ')
            .map((part, i, all) => (i < all.length - 1 ? `${part} ·` : part))}
        />
      </Typography>
    </>
  );
}

/**
 * The change cell: the change of the median as the card words it, and under
 * it whether the change is more than noise; the full sentence on hover.
 */
function ChangeCell(props: { row: ComparisonRow }) {
  const { row } = props;
  const wording = describeChange(row.change, row.recovered);
  const verdict = changeVerdictOf(row);
  return (
    <TableCell align="right" style={NO_WRAP} title={wording.words}>
      {wording.value}
      {verdict && (
        <Typography
          variant="caption"
          component="div"
          data-testid="mttr-change-test"
          style={{ whiteSpace: 'normal' }}
        >
          {/* "within noise" and "(p = 0.41)" may go on two lines */}
          <BreakBetween parts={verdict.split(/(?<=,) | (?=\()/)} />
        </Typography>
      )}
    </TableCell>
  );
}

/**
 * A small line under a figure: the counts it is made of. In a narrow
 * window it breaks between its parts ("2 recovered," "1 open"), never
 * inside one.
 */
function Counts(props: { testId: string; parts: string[] }) {
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      component="div"
      data-testid={props.testId}
      style={{ whiteSpace: 'normal' }}
    >
      <BreakBetween parts={props.parts} />
    </Typography>
  );
}

/**
 * The deployment and lever cells of a row, each figure with the counts it
 * is made of, "–" where there is nothing to measure.
 */
function StabilityCells(props: { row: ComparisonRow }) {
  const { deployments: d, levers } = props.row;
  const { reviews, access } = levers;
  return (
    <>
      <TableCell align="right" style={NO_WRAP} data-testid="mttr-cfr-cell">
        {formatChangeFailureRate(d.changeFailureRate)}
        {d.band && (
          <div>
            <ChangeFailureBandChip band={d.band} compact />
          </div>
        )}
        <Counts
          testId="mttr-cfr-counts"
          parts={
            d.count === 0
              ? ['no', 'deployments']
              : [`${d.changeFailures} of ${d.count}`]
          }
        />
      </TableCell>
      <TableCell
        align="right"
        style={NO_WRAP}
        data-testid="mttr-deploy-frequency-cell"
      >
        {d.count === 0 ? '–' : formatFrequency(d.frequencyPer30d)}
      </TableCell>
      <TableCell
        align="right"
        style={NO_WRAP}
        data-testid="mttr-deploy-recovery-cell"
      >
        {formatDuration(d.recovery.medianMs)}
        {d.changeFailures > 0 && (
          <Counts
            testId="mttr-deploy-recovery-counts"
            parts={
              d.recovery.open
                ? [
                    `${d.recovery.recovered} recovered,`,
                    `${d.recovery.open} open`,
                  ]
                : [`${d.recovery.recovered} recovered`]
            }
          />
        )}
      </TableCell>
      <TableCell align="right" style={NO_WRAP} data-testid="mttr-reviews-cell">
        {formatRate(reviews.coverage)}
        <Counts
          testId="mttr-reviews-counts"
          parts={
            reviews.due === 0
              ? ['none due']
              : [`${reviews.published} of ${reviews.due}`, 'due']
          }
        />
      </TableCell>
      <TableCell
        align="right"
        style={NO_WRAP}
        data-testid="mttr-action-items-cell"
      >
        {reviews.openActionItems}
      </TableCell>
      <TableCell align="right" style={NO_WRAP} data-testid="mttr-access-cell">
        {formatDuration(access.medianTimeToAccessMs)}
        {access.incidentsWithAccess > 0 && (
          <Counts
            testId="mttr-access-counts"
            parts={[
              `${access.incidentsWithAccess} ${
                access.incidentsWithAccess === 1 ? 'incident' : 'incidents'
              }`,
            ]}
          />
        )}
      </TableCell>
    </>
  );
}

/**
 * One row of the table. Memoized: a re-render of the table that brings no
 * new rows (the page is busy, a header was clicked) does not render the
 * rows again.
 */
const ComparisonTableRow = memo(function TableRowOfComparison(props: {
  row: ComparisonRow;
  grouped: boolean;
  scale: WhiskerScale | undefined;
  fleetMedianMs: number | null;
  stickyClass: string;
}) {
  const { row, grouped, scale, fleetMedianMs, stickyClass } = props;
  return (
    <TableRow hover>
      <TableCell
        component="th"
        scope="row"
        style={NO_WRAP}
        className={stickyClass}
      >
        <EntityRefLink entityRef={row.entityRef} title={row.name} />
        {grouped && row.entityCount !== undefined && (
          <Typography variant="caption" color="textSecondary" component="div">
            {row.entityCount} {row.entityCount === 1 ? 'service' : 'services'}
          </Typography>
        )}
      </TableCell>
      {!grouped && (
        // Team names break between words, never inside one.
        <TableCell style={{ overflowWrap: 'normal', wordBreak: 'keep-all' }}>
          {row.owner ? (
            <EntityRefLink entityRef={row.owner} defaultKind="group" />
          ) : (
            '–'
          )}
        </TableCell>
      )}
      <TableCell align="right" style={NO_WRAP}>
        <MedianCell row={row} scale={scale} fleetMedianMs={fleetMedianMs} />
      </TableCell>
      <TableCell align="right" style={NO_WRAP}>
        {formatDuration(row.p90Ms)}
      </TableCell>
      <TableCell align="right" style={NO_WRAP}>
        {formatDuration(row.meanMs)}
      </TableCell>
      <TableCell align="right">
        {row.count}
        {row.lowSample && (
          <Typography
            variant="caption"
            component="div"
            title="Fewer than 5 incidents: the figures move a lot with each new one"
          >
            ⚠ few incidents
          </Typography>
        )}
      </TableCell>
      <TableCell align="right">
        {formatFrequency(row.frequencyPer30d)}
      </TableCell>
      <TableCell align="right" style={NO_WRAP}>
        {formatDuration(row.totalDowntimeMs)}
      </TableCell>
      <TableCell align="right">{formatRate(row.reopenRate)}</TableCell>
      <ChangeCell row={row} />
      <StabilityCells row={row} />
    </TableRow>
  );
});

/**
 * The comparison table: sortable headers and the one page of rows the
 * backend sent, sorted as asked. Rows link to the entity page (or the
 * owning group's page when grouped).
 */
export function ComparisonTable(props: {
  /** The rows of this page, in the order the backend sorted them. */
  rows: ComparisonRow[];
  /** How many rows pass the filters, on every page. */
  totalCount: number;
  page: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  onPageSizeChange: (pageSize: number) => void;
  /** A new page is being read; the rows are still the previous ones. */
  busy: boolean;
  grouped: boolean;
  sort: SortField;
  order: 'asc' | 'desc';
  onSort: (field: SortField) => void;
  caption: string;
  /** The backend's median of the medians of every row that passes the filters. */
  fleetMedianMs: number | null;
}) {
  const { rows, grouped, sort, order, onSort, caption, fleetMedianMs } = props;
  const { totalCount, page, pageSize, busy } = props;
  const classes = useStyles();
  const scale = useMemo(
    () => whiskerScaleOf(rows, fleetMedianMs),
    [rows, fleetMedianMs],
  );
  const columns = grouped
    ? COLUMNS.map(c =>
        c.field === 'name' ? { ...c, title: 'Team' } : c,
      ).filter(c => c.field !== 'owner')
    : COLUMNS;

  return (
    <Box>
      {/* Sized by the card, not by the table: a table wider than the window
          scrolls inside its card instead of widening the page. */}
      <TableContainer style={{ contain: 'inline-size' }}>
        <Table
          size="small"
          className={`${classes.compact} ${busy ? classes.busy : ''}`}
          aria-label={`Services compared, ${caption}`}
          aria-busy={busy}
        >
          <TableHead>
            <TableRow>
              {columns.map(column => (
                <TableCell
                  key={column.field}
                  align={column.numeric ? 'right' : 'left'}
                  sortDirection={sort === column.field ? order : false}
                  style={NO_WRAP}
                  className={column.field === 'name' ? classes.stickyHead : ''}
                  title={column.description}
                >
                  <TableSortLabel
                    active={sort === column.field}
                    // An arrow only on the sorted column: a hidden arrow
                    // on each of the sixteen would still take its room.
                    hideSortIcon
                    direction={sort === column.field ? order : 'asc'}
                    onClick={() => onSort(column.field)}
                  >
                    {column.title}
                  </TableSortLabel>
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => (
              <ComparisonTableRow
                key={row.entityRef}
                row={row}
                grouped={grouped}
                scale={scale}
                fleetMedianMs={fleetMedianMs}
                stickyClass={classes.sticky}
              />
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={totalCount}
        page={Math.min(page, Math.max(0, Math.ceil(totalCount / pageSize) - 1))}
        rowsPerPage={pageSize}
        rowsPerPageOptions={PAGE_SIZES}
        onPageChange={(_, p) => props.onPageChange(p)}
        onRowsPerPageChange={e =>
          props.onPageSizeChange(Number(e.target.value))
        }
      />
    </Box>
  );
}
