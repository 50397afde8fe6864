import { useEffect, useState } from 'react';
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
} from '@material-ui/core';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { formatDuration } from '@mttr-backstage/plugin-mttr-common';
import { SeverityMix } from '../shared/SeverityMix';
import {
  formatChange,
  formatFrequency,
  formatRate,
} from '../shared/timeWindow';
import { ComparisonRow, SortField } from './comparisonRows';

const COLUMNS: Array<{ field: SortField; title: string; numeric: boolean }> = [
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
];

/** Durations and headers stay on one line: "11h 46m" must not break. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Rows per page: the table renders one page, so 10,000 rows cost what 50 do. */
const PAGE_SIZES = [25, 50, 100];

/**
 * The comparison table: sortable headers, one page of rows at a time. Rows
 * link to the entity page (or the owning group's page when grouped).
 */
export function ComparisonTable(props: {
  rows: ComparisonRow[];
  grouped: boolean;
  sort: SortField;
  order: 'asc' | 'desc';
  onSort: (field: SortField) => void;
  caption: string;
}) {
  const { rows, grouped, sort, order, onSort, caption } = props;
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);
  // A new filter or sort starts again at the first page.
  useEffect(() => setPage(0), [rows]);
  const visible = rows.slice(page * pageSize, (page + 1) * pageSize);
  const columns = grouped
    ? COLUMNS.map(c =>
        c.field === 'name' ? { ...c, title: 'Team' } : c,
      ).filter(c => c.field !== 'owner')
    : COLUMNS;

  return (
    <Box>
      <TableContainer>
        <Table size="small" aria-label={`Services compared, ${caption}`}>
          <TableHead>
            <TableRow>
              {columns.map(column => (
                <TableCell
                  key={column.field}
                  align={column.numeric ? 'right' : 'left'}
                  sortDirection={sort === column.field ? order : false}
                  style={NO_WRAP}
                >
                  <TableSortLabel
                    active={sort === column.field}
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
            {visible.map(row => (
              <TableRow key={row.entityRef} hover>
                <TableCell component="th" scope="row" style={NO_WRAP}>
                  <EntityRefLink entityRef={row.entityRef} title={row.name} />
                  {grouped && row.entityCount !== undefined && (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      component="div"
                    >
                      {row.entityCount}{' '}
                      {row.entityCount === 1 ? 'service' : 'services'}
                    </Typography>
                  )}
                </TableCell>
                {!grouped && (
                  <TableCell style={NO_WRAP}>
                    {row.owner ? (
                      <EntityRefLink
                        entityRef={row.owner}
                        defaultKind="group"
                      />
                    ) : (
                      '–'
                    )}
                  </TableCell>
                )}
                <TableCell align="right" style={NO_WRAP}>
                  {formatDuration(row.medianMs)}
                  <div>
                    <SeverityMix mix={row.severityMix} />
                  </div>
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
                <TableCell align="right">
                  {formatRate(row.reopenRate)}
                </TableCell>
                <TableCell align="right" style={NO_WRAP}>
                  {formatChange(row.change)}
                  {row.change !== undefined && row.change !== 0 && (
                    <Typography variant="caption" component="div">
                      {row.change > 0 ? 'slower' : 'faster'}
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={rows.length}
        page={Math.min(
          page,
          Math.max(0, Math.ceil(rows.length / pageSize) - 1),
        )}
        rowsPerPage={pageSize}
        rowsPerPageOptions={PAGE_SIZES}
        onPageChange={(_, p) => setPage(p)}
        onRowsPerPageChange={e => {
          setPageSize(Number(e.target.value));
          setPage(0);
        }}
      />
    </Box>
  );
}
