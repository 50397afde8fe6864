import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import {
  Box,
  Button,
  FormControlLabel,
  Grid,
  LinearProgress,
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
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  ComparisonChoices,
  RecoveryDefinition,
  SEVERITIES,
  Severity,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
import { ComparisonCsvQuery, mttrApiRef } from '../../api';
import { DefinitionSelect, WindowSelect } from '../shared/Selectors';
import { lastDays, windowLabel } from '../shared/timeWindow';
import { useDefinitions } from '../shared/useDefinitions';
import {
  ChangeFailureBandChoice,
  ChangeFailureBandFilter,
} from './ChangeFailureBandFilter';
import { ComparisonTable, PAGE_SIZES } from './ComparisonTable';
import { FrequencyScatter } from './FrequencyScatter';
import {
  ComparisonFilters,
  NO_FILTERS,
  SortField,
  toComparisonRows,
} from './comparisonRows';
import { useComparison } from './useComparison';

/** How long the search box waits for the typing to pause before it asks. */
const SEARCH_DEBOUNCE_MS = 250;

/** Hands a downloaded file to the browser as a download. */
function saveAs(fileName: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  URL.revokeObjectURL(url);
}

const FILTER_LABELS: Array<{
  key: FilterKey;
  label: string;
}> = [
  { key: 'owner', label: 'Owner' },
  { key: 'system', label: 'System' },
  { key: 'kind', label: 'Kind' },
  { key: 'lifecycle', label: 'Lifecycle' },
  { key: 'tag', label: 'Tag' },
];

/** Which list of the backend's choices each picker offers. */
const CHOICES_OF: Record<FilterKey, keyof ComparisonChoices> = {
  owner: 'owners',
  system: 'systems',
  kind: 'kinds',
  lifecycle: 'lifecycles',
  tag: 'tags',
};

/** `group:default/team-payments` reads as `team-payments` in a picker; plain values stay. */
function optionLabel(value: string): string {
  const ref = /^[\w-]+:[\w.-]+\/(.+)$/.exec(value);
  return ref ? ref[1] : value;
}

type FilterKey = Exclude<keyof ComparisonFilters, 'search'>;

/**
 * The filter pickers, with the backend's choices (hundreds of owners and
 * systems in a large catalog). Memoized: a sort click or a new page does
 * not render their options again.
 */
const FilterPickers = memo(function FilterPickerList(props: {
  filters: ComparisonFilters;
  choices: ComparisonChoices | undefined;
  onFilter: (key: FilterKey, value: string) => void;
}) {
  const { filters, choices, onFilter } = props;
  return (
    <>
      {FILTER_LABELS.map(f => (
        <TextField
          key={f.key}
          id={`mttr-compare-${f.key}`}
          select
          label={f.label}
          value={filters[f.key]}
          onChange={e => onFilter(f.key, e.target.value)}
          SelectProps={{ native: true }}
          variant="outlined"
          size="small"
          InputLabelProps={{ shrink: true }}
        >
          <option value="">Any</option>
          {(choices?.[CHOICES_OF[f.key]] ?? []).map(value => (
            <option key={value} value={value}>
              {optionLabel(value)}
            </option>
          ))}
        </TextField>
      ))}
    </>
  );
});

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
  const alertApi = useApi(alertApiRef);
  const [now] = useState(() => new Date());
  const [definitionId, setDefinitionId] = useState(props.defaultDefinition);
  const [days, setDays] = useState(90);
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [grouped, setGrouped] = useState(false);
  const [filters, setFilters] = useState<ComparisonFilters>(NO_FILTERS);
  const [bands, setBands] = useState<ChangeFailureBandChoice[]>([]);
  // What the search box holds; `filters.search` follows once typing pauses.
  const [searchText, setSearchText] = useState('');
  const [sort, setSort] = useState<SortField>('medianMs');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => {
      setFilters(f =>
        f.search === searchText ? f : { ...f, search: searchText },
      );
      setPage(0);
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [searchText]);

  const definition =
    definitions.find(d => d.id === definitionId) ?? definitions[0];
  const caption = `${definition.title} · ${windowLabel(days)}`;

  // Everything the backend filters by; the CSV export asks with the same.
  const filtered: ComparisonCsvQuery = useMemo(
    () => ({
      ...lastDays(days, now),
      definition: definitionId,
      severity: severity || undefined,
      groupBy: grouped ? 'owner' : undefined,
      owner: filters.owner || undefined,
      system: filters.system || undefined,
      kind: filters.kind || undefined,
      lifecycle: filters.lifecycle || undefined,
      tag: filters.tag || undefined,
      search: filters.search.trim() || undefined,
      changeFailureBand: bands.length ? bands : undefined,
      sort,
      order,
    }),
    [days, now, definitionId, severity, grouped, filters, bands, sort, order],
  );
  const comparison = useComparison(
    api,
    { ...filtered, offset: page * pageSize, limit: pageSize },
    {
      choices: JSON.stringify([definitionId, days, severity]),
      points: JSON.stringify({
        ...filtered,
        sort: undefined,
        order: undefined,
      }),
    },
  );
  const { choices, points } = comparison;
  const response = comparison.page;
  const rows = useMemo(
    () => toComparisonRows(response?.items ?? []),
    [response],
  );
  const totalCount = response?.totalCount ?? 0;
  const fleetMedianMs = response?.fleetMedianMs ?? null;
  const mediansShown = useMemo(
    () => (points ?? []).filter(p => p.medianMs !== null).length,
    [points],
  );
  const unit = grouped ? 'team' : 'service';
  const filtering =
    Object.values(filters).some(Boolean) ||
    bands.length > 0 ||
    searchText.trim() !== '';

  const onSort = (field: SortField) => {
    if (field === sort) {
      setOrder(order === 'asc' ? 'desc' : 'asc');
    } else {
      setSort(field);
      setOrder(field === 'name' || field === 'owner' ? 'asc' : 'desc');
    }
    setPage(0);
  };
  const setFilter = useCallback((key: FilterKey, value: string) => {
    setFilters(f => ({ ...f, [key]: value }));
    setPage(0);
  }, []);
  const onExport = async () => {
    setExporting(true);
    try {
      saveAs(
        `mttr-${grouped ? 'teams' : 'services'}-${definitionId}-${days}d.csv`,
        await api.downloadComparisonCsv(filtered),
      );
    } catch (e) {
      alertApi.post({
        message: `The CSV could not be exported: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setExporting(false);
    }
  };

  const firstRead = !response && !comparison.error;
  const error = comparison.error;

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
            onChange={id => {
              setDefinitionId(id);
              setPage(0);
            }}
          />
          <WindowSelect
            id="mttr-compare-window"
            value={days}
            onChange={d => {
              setDays(d);
              setPage(0);
            }}
          />
          <TextField
            id="mttr-compare-severity"
            select
            label="Severity"
            value={severity}
            onChange={e => {
              setSeverity(e.target.value as Severity | '');
              setPage(0);
            }}
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
          <FilterPickers
            filters={filters}
            choices={choices}
            onFilter={setFilter}
          />
          <ChangeFailureBandFilter
            value={bands}
            onChange={picked => {
              setBands(picked);
              setPage(0);
            }}
          />
          <TextField
            id="mttr-compare-search"
            type="search"
            label="Search services"
            value={searchText}
            onChange={e => setSearchText(e.target.value)}
            variant="outlined"
            size="small"
          />
          <FormControlLabel
            control={
              <Switch
                checked={grouped}
                onChange={e => {
                  setGrouped(e.target.checked);
                  setPage(0);
                }}
                color="primary"
              />
            }
            label="Group by owner"
          />
          <Button
            variant="outlined"
            startIcon={<GetAppIcon />}
            disabled={comparison.busy || exporting || totalCount === 0}
            onClick={onExport}
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
          the difference significant (p &lt; 0.05). CFR: change failures of the
          live deployments finished in the window (under it, how many of how
          many), in its DORA band (by default elite ≤ 5%, high ≤ 10%, medium ≤
          15%); deploy recovery: their median failed-deployment recovery time,
          with how many recovered. Reviews: published in time of the incidents
          due one; time to access: median from an incident&apos;s start to its
          first just-in-time access grant, with how many incidents had one.
          Services and teams are compared, never individual responders; read
          MTTR together with the severity mix, the frequency and the change
          failure rate.
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
      {firstRead && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {error && (
        <Grid item xs={12}>
          <ResponseErrorPanel error={error} />
        </Grid>
      )}
      {!error && response && totalCount === 0 && !filtering && (
        <Grid item xs={12}>
          <EmptyState
            missing="data"
            title={`No ${unit} had incidents in the ${windowLabel(days)}`}
            description="Services appear here once an incident source sends events for them. Map services to incidents with the pagerduty.com/service-id, mttr.dev/alert-matchers or mttr.dev/incident-keys annotation, or pick a longer window."
          />
        </Grid>
      )}
      {!error && response && (totalCount > 0 || filtering) && (
        <>
          <Grid item xs={12}>
            <InfoCard
              title={grouped ? 'Teams' : 'Services'}
              subheader={`${totalCount} shown · ${caption}`}
              noPadding
            >
              {/* Room kept for the bar, so the table does not jump. */}
              <Box height={4}>{comparison.busy && <LinearProgress />}</Box>
              {totalCount === 0 ? (
                <Box p={2}>
                  <Typography variant="body2">
                    Nothing matches these filters. Clear a filter or the search
                    to see more.
                  </Typography>
                </Box>
              ) : (
                <ComparisonTable
                  rows={rows}
                  totalCount={totalCount}
                  page={page}
                  pageSize={pageSize}
                  onPageChange={setPage}
                  onPageSizeChange={size => {
                    setPageSize(size);
                    setPage(0);
                  }}
                  busy={comparison.busy}
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
                points={points ?? []}
                rows={rows}
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
