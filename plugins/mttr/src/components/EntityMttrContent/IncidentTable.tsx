import { useMemo, useState } from 'react';
import { Box, TextField, Typography } from '@material-ui/core';
import { Table, TableColumn } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import {
  Incident,
  IncidentStatus,
  SEVERITIES,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
import { DateTime } from 'luxon';
import { IncidentAction, IncidentRowActions } from '../IncidentActions';
import { SafeLink } from '../shared/SafeLink';
import { formatTime } from './timelineSteps';
import { IncidentTimeline } from './IncidentTimeline';
import { SeverityChip } from '../shared/IncidentBadges';
import {
  IncidentCountSummary,
  countSentence,
  countUnder,
} from './recoveryDistribution';

type Row = Incident & {
  id: string;
  count: IncidentCountSummary;
};

const STATUSES: IncidentStatus[] = ['open', 'mitigated', 'resolved'];

/** Orders the duration column: shortest first, open ones last, not counted after. */
function durationRank(row: Row): number {
  if (row.count.outcome !== 'counted') {
    return Number.MAX_SAFE_INTEGER;
  }
  return row.count.durationMs ?? Number.MAX_SAFE_INTEGER - 1;
}

export interface IncidentFilters {
  severity: string;
  status: string;
  /** yyyy-mm-dd, inclusive, in the viewer's time zone. */
  startedFrom: string;
  startedTo: string;
}

/** Applies the table's filters; exported for the tests of edge cases. */
export function filterIncidents(
  incidents: Incident[],
  filters: IncidentFilters,
): Incident[] {
  const from = filters.startedFrom
    ? DateTime.fromISO(filters.startedFrom).startOf('day').toMillis()
    : -Infinity;
  const to = filters.startedTo
    ? DateTime.fromISO(filters.startedTo).endOf('day').toMillis()
    : Infinity;
  return incidents.filter(incident => {
    if (
      filters.severity &&
      (incident.severity ?? 'none') !== filters.severity
    ) {
      return false;
    }
    if (filters.status && incident.status !== filters.status) {
      return false;
    }
    const started = Date.parse(incident.startedAt);
    return started >= from && started <= to;
  });
}

/**
 * The incidents of the window, with filters for severity, status and start
 * date, sortable by any column. Each row opens into its timeline and how it
 * counted under the chosen definition.
 */
export function IncidentTable(props: {
  entity: Entity;
  incidents: Incident[];
  definition: string;
  definitionTitle: string;
  caption: string;
  incidentActions: IncidentAction[];
}) {
  const { entity, incidents, definition, definitionTitle, caption } = props;
  const [filters, setFilters] = useState<IncidentFilters>({
    severity: '',
    status: '',
    startedFrom: '',
    startedTo: '',
  });
  const rows: Row[] = useMemo(
    () =>
      filterIncidents(incidents, filters).map(incident => ({
        ...incident,
        id: `${incident.source}/${incident.incidentId}`,
        count: countUnder(incident, definition),
      })),
    [incidents, filters, definition],
  );

  const columns: TableColumn<Row>[] = [
    {
      title: 'Started',
      field: 'startedAt',
      defaultSort: 'desc',
      render: row => formatTime(row.startedAt),
    },
    {
      title: 'Incident',
      field: 'title',
      render: row => row.title ?? row.incidentId,
    },
    {
      title: 'Severity',
      field: 'severity',
      render: row => <SeverityChip severity={row.severity} />,
      customSort: (a, b) =>
        (a.severity ?? 'sev9').localeCompare(b.severity ?? 'sev9'),
    },
    { title: 'Status', field: 'status' },
    {
      title: `Counted (${definitionTitle})`,
      field: 'count',
      customSort: (a, b) => durationRank(a) - durationRank(b),
      render: row =>
        countSentence(row.count, formatDuration(row.count.durationMs)),
    },
    {
      title: 'Links',
      sorting: false,
      render: row => (
        <Box display="flex" flexDirection="column">
          {row.url && <SafeLink url={row.url}>View in {row.source}</SafeLink>}
          {row.runbookUrl && <SafeLink url={row.runbookUrl}>Runbook</SafeLink>}
        </Box>
      ),
    },
  ];
  if (props.incidentActions.length > 0) {
    columns.push({
      title: 'Actions',
      sorting: false,
      render: row => (
        <IncidentRowActions
          entity={entity}
          incident={row}
          actions={props.incidentActions}
        />
      ),
    });
  }

  const setFilter = (key: keyof IncidentFilters) => (value: string) =>
    setFilters(f => ({ ...f, [key]: value }));

  return (
    <Box>
      <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 16 }}>
        <TextField
          id="mttr-incidents-severity"
          select
          label="Severity"
          value={filters.severity}
          onChange={e => setFilter('severity')(e.target.value)}
          SelectProps={{ native: true }}
          variant="outlined"
          size="small"
          InputLabelProps={{ shrink: true }}
        >
          <option value="">All</option>
          {SEVERITIES.map(s => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          <option value="none">No severity</option>
        </TextField>
        <TextField
          id="mttr-incidents-status"
          select
          label="Status"
          value={filters.status}
          onChange={e => setFilter('status')(e.target.value)}
          SelectProps={{ native: true }}
          variant="outlined"
          size="small"
          InputLabelProps={{ shrink: true }}
        >
          <option value="">All</option>
          {STATUSES.map(s => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </TextField>
        <TextField
          id="mttr-incidents-from"
          type="date"
          label="Started on or after"
          value={filters.startedFrom}
          onChange={e => setFilter('startedFrom')(e.target.value)}
          variant="outlined"
          size="small"
          InputLabelProps={{ shrink: true }}
        />
        <TextField
          id="mttr-incidents-to"
          type="date"
          label="Started on or before"
          value={filters.startedTo}
          onChange={e => setFilter('startedTo')(e.target.value)}
          variant="outlined"
          size="small"
          InputLabelProps={{ shrink: true }}
        />
      </Box>
      <Table<Row>
        title={`Incidents (${rows.length})`}
        subtitle={caption}
        columns={columns}
        data={rows}
        options={{
          paging: rows.length > 20,
          pageSize: 20,
          search: true,
          padding: 'dense',
          thirdSortClick: false,
        }}
        detailPanel={[
          {
            tooltip: 'Show timeline',
            render: ({ rowData }) => (
              <IncidentTimeline
                incident={rowData}
                definition={definition}
                definitionTitle={definitionTitle}
              />
            ),
          },
        ]}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2">
              No incidents match these filters. Clear a filter or pick a longer
              window.
            </Typography>
          </Box>
        }
      />
    </Box>
  );
}
