import { useDeferredValue, useMemo, useState } from 'react';
import {
  Box,
  Button,
  FormControlLabel,
  Grid,
  Switch,
  TextField,
  Typography,
} from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRecoveryMetrics,
  RecoveryDefinition,
  SEVERITIES,
  Severity,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
import useAsync from 'react-use/lib/useAsync';
import { ByEntityQuery, MttrApi, mttrApiRef } from '../../api';
import { DefinitionSelect, WindowSelect } from '../shared/Selectors';
import { lastDays, windowLabel } from '../shared/timeWindow';
import { useDefinitions } from '../shared/useDefinitions';
import { ComparisonTable } from './ComparisonTable';
import { FrequencyScatter } from './FrequencyScatter';
import {
  ComparisonFilters,
  NO_FILTERS,
  SortField,
  filterOptions,
  filterRows,
  fleetMedianOf,
  sortRows,
  toComparisonRows,
  toCsv,
} from './comparisonRows';

const PAGE = 1000;

/** Reads every row of a comparison query, a page at a time (the first page says how many). */
async function readAllRows(
  api: MttrApi,
  query: ByEntityQuery,
): Promise<EntityRecoveryMetrics[]> {
  const first = await api.getMetricsByEntity({
    ...query,
    limit: PAGE,
    offset: 0,
  });
  const offsets: number[] = [];
  for (
    let offset = first.items.length;
    offset < first.totalCount;
    offset += PAGE
  ) {
    offsets.push(offset);
  }
  const rest = await Promise.all(
    offsets.map(offset =>
      api.getMetricsByEntity({ ...query, limit: PAGE, offset }),
    ),
  );
  return [first, ...rest].flatMap(page => page.items);
}

/** Hands the CSV to the browser as a download. */
function download(fileName: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  URL.revokeObjectURL(url);
}

const FILTER_LABELS: Array<{
  key: Exclude<keyof ComparisonFilters, 'search'>;
  label: string;
}> = [
  { key: 'owner', label: 'Owner' },
  { key: 'system', label: 'System' },
  { key: 'kind', label: 'Kind' },
  { key: 'lifecycle', label: 'Lifecycle' },
  { key: 'tag', label: 'Tag' },
];

/** `group:default/team-payments` reads as `team-payments` in a picker; plain values stay. */
function optionLabel(value: string): string {
  const ref = /^[\w-]+:[\w.-]+\/(.+)$/.exec(value);
  return ref ? ref[1] : value;
}

/** The "Services" tab of the comparison page. */
export function ServicesTab() {
  const definitions = useDefinitions();
  if (definitions.loading) {
    return <Progress />;
  }
  if (definitions.error || !definitions.value) {
    return (
      <ResponseErrorPanel
        error={definitions.error ?? new Error('No definitions')}
      />
    );
  }
  return (
    <Comparison
      definitions={definitions.value.items}
      defaultDefinition={definitions.value.defaultDefinition}
    />
  );
}

function Comparison(props: {
  definitions: RecoveryDefinition[];
  defaultDefinition: string;
}) {
  const { definitions } = props;
  const api = useApi(mttrApiRef);
  const [now] = useState(() => new Date());
  const [definitionId, setDefinitionId] = useState(props.defaultDefinition);
  const [days, setDays] = useState(90);
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [grouped, setGrouped] = useState(false);
  const [filters, setFilters] = useState<ComparisonFilters>(NO_FILTERS);
  const [sort, setSort] = useState<SortField>('medianMs');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  // Typing in the search box stays immediate while 10,000 rows re-filter behind it.
  const search = useDeferredValue(filters.search);

  const definition =
    definitions.find(d => d.id === definitionId) ?? definitions[0];
  const caption = `${definition.title} · ${windowLabel(days)}`;

  // Per service, for the table, the chart and the filter choices. Each row
  // carries its change against the previous window: one read per window.
  const services = useAsync(async () => {
    const window = lastDays(days, now);
    const base = { definition: definitionId, severity: severity || undefined };
    return toComparisonRows(await readAllRows(api, { ...base, ...window }));
  }, [api, definitionId, days, severity, now]);

  // Per owner: the backend rolls figures up (medians cannot be added up here),
  // over the services that pass the filters other than owner.
  const teams = useAsync(async () => {
    if (!grouped) {
      return undefined;
    }
    const window = lastDays(days, now);
    const base: Omit<ByEntityQuery, 'from' | 'to'> = {
      definition: definitionId,
      severity: severity || undefined,
      groupBy: 'owner',
      system: filters.system || undefined,
      kind: filters.kind || undefined,
      lifecycle: filters.lifecycle || undefined,
      tag: filters.tag || undefined,
    };
    return toComparisonRows(await readAllRows(api, { ...base, ...window }));
  }, [
    api,
    grouped,
    definitionId,
    days,
    severity,
    now,
    filters.system,
    filters.kind,
    filters.lifecycle,
    filters.tag,
  ]);

  const options = useMemo(
    () => filterOptions(services.value ?? []),
    [services.value],
  );
  const shown = useMemo(() => {
    const source = grouped ? (teams.value ?? []) : (services.value ?? []);
    const applied = grouped
      ? // Team rows are filtered on the server except by owner and search.
        filterRows(
          source.map(r => ({ ...r, owner: r.entityRef })),
          { ...NO_FILTERS, owner: filters.owner, search },
        )
      : filterRows(source, { ...filters, search });
    return sortRows(applied, sort, order);
  }, [grouped, teams.value, services.value, filters, search, sort, order]);
  const fleetMedianMs = useMemo(() => fleetMedianOf(shown), [shown]);
  const mediansShown = shown.filter(r => r.medianMs !== null).length;
  const unit = grouped ? 'team' : 'service';

  const onSort = (field: SortField) => {
    if (field === sort) {
      setOrder(order === 'asc' ? 'desc' : 'asc');
    } else {
      setSort(field);
      setOrder(field === 'name' || field === 'owner' ? 'asc' : 'desc');
    }
  };
  const setFilter = (key: keyof ComparisonFilters, value: string) =>
    setFilters(f => ({ ...f, [key]: value }));

  const loading = services.loading || (grouped && teams.loading);
  const error = services.error ?? (grouped ? teams.error : undefined);

  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Box
          display="flex"
          flexWrap="wrap"
          alignItems="center"
          style={{ gap: 16 }}
        >
          <DefinitionSelect
            id="mttr-compare-definition"
            definitions={definitions}
            value={definitionId}
            onChange={setDefinitionId}
          />
          <WindowSelect
            id="mttr-compare-window"
            value={days}
            onChange={setDays}
          />
          <TextField
            id="mttr-compare-severity"
            select
            label="Severity"
            value={severity}
            onChange={e => setSeverity(e.target.value as Severity | '')}
            SelectProps={{ native: true }}
            variant="outlined"
            size="small"
            InputLabelProps={{ shrink: true }}
          >
            <option value="">All severities</option>
            {SEVERITIES.map(s => (
              <option key={s} value={s}>
                {s} only
              </option>
            ))}
          </TextField>
          {FILTER_LABELS.map(f => (
            <TextField
              key={f.key}
              id={`mttr-compare-${f.key}`}
              select
              label={f.label}
              value={filters[f.key]}
              onChange={e => setFilter(f.key, e.target.value)}
              SelectProps={{ native: true }}
              variant="outlined"
              size="small"
              InputLabelProps={{ shrink: true }}
            >
              <option value="">Any</option>
              {options[f.key].map(value => (
                <option key={value} value={value}>
                  {optionLabel(value)}
                </option>
              ))}
            </TextField>
          ))}
          <TextField
            id="mttr-compare-search"
            type="search"
            label="Search services"
            value={filters.search}
            onChange={e => setFilter('search', e.target.value)}
            variant="outlined"
            size="small"
          />
          <FormControlLabel
            control={
              <Switch
                checked={grouped}
                onChange={e => setGrouped(e.target.checked)}
                color="primary"
              />
            }
            label="Group by owner"
          />
          <Button
            variant="outlined"
            startIcon={<GetAppIcon />}
            disabled={loading || shown.length === 0}
            onClick={() =>
              download(
                `mttr-${grouped ? 'teams' : 'services'}-${definitionId}-${days}d.csv`,
                toCsv(shown, {
                  definition: definition.title,
                  window: windowLabel(days),
                }),
              )
            }
          >
            Export CSV
          </Button>
        </Box>
        <Typography
          variant="body2"
          color="textSecondary"
          style={{ marginTop: 8 }}
        >
          Every figure: {caption}
          {severity ? `, ${severity} incidents only` : ''}. Under each median,
          its 95% interval. Change compares the median with the {days} days
          before; it says faster or slower only when a Mann–Whitney test finds
          the difference significant (p &lt; 0.05). Services and teams are
          compared, never individual responders; read MTTR together with the
          severity mix and the frequency.
        </Typography>
        {fleetMedianMs !== null && (
          <Typography
            variant="body2"
            color="textSecondary"
            data-testid="mttr-fleet-median"
          >
            Fleet median {formatDuration(fleetMedianMs)}: the median of the
            medians of the {mediansShown} {unit}
            {mediansShown === 1 ? '' : 's'} shown that had recoveries. A row is
            marked slower or faster than the fleet only when its median&apos;s
            95% interval lies wholly above or below the fleet median.
          </Typography>
        )}
      </Grid>
      {loading && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {!loading && error && (
        <Grid item xs={12}>
          <ResponseErrorPanel error={error} />
        </Grid>
      )}
      {!loading && !error && (services.value ?? []).length === 0 && (
        <Grid item xs={12}>
          <EmptyState
            missing="data"
            title={`No service had incidents in the ${windowLabel(days)}`}
            description="Services appear here once an incident source sends events for them. Map services to incidents with the pagerduty.com/service-id, mttr.dev/alert-matchers or mttr.dev/incident-keys annotation, or pick a longer window."
          />
        </Grid>
      )}
      {!loading && !error && (services.value ?? []).length > 0 && (
        <>
          <Grid item xs={12}>
            <InfoCard
              title={grouped ? 'Teams' : 'Services'}
              subheader={`${shown.length} shown · ${caption}`}
              noPadding
            >
              {shown.length === 0 ? (
                <Box p={2}>
                  <Typography variant="body2">
                    Nothing matches these filters. Clear a filter or the search
                    to see more.
                  </Typography>
                </Box>
              ) : (
                <ComparisonTable
                  rows={shown}
                  grouped={grouped}
                  sort={sort}
                  order={order}
                  onSort={onSort}
                  caption={caption}
                  fleetMedianMs={fleetMedianMs}
                />
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard
              title="Fails often, or recovers slowly?"
              subheader={`Incidents per 30 days against median MTTR · ${caption}`}
            >
              <FrequencyScatter
                rows={shown}
                caption={caption}
                fleetMedianMs={fleetMedianMs}
              />
            </InfoCard>
          </Grid>
        </>
      )}
    </Grid>
  );
}
