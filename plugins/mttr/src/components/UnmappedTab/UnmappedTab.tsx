import { FormEvent, useState } from 'react';
import {
  Box,
  Button,
  Chip,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import useAsyncRetry from 'react-use/lib/useAsyncRetry';
import { UnmappedIncident } from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import { describeError } from '../AccessRequestStatus/describeError';
import { SafeLink } from '../shared/SafeLink';

const PAGE_SIZE = 25;

/** @internal */
export interface UnmappedTabProps {
  /** Incidents per page. Default 25. */
  pageSize?: number;
}

/**
 * Incidents that count for no entity (a missing annotation, a label nobody
 * claims), with their source, labels and mapping keys, and a form that maps
 * a key to an entity. Incidents carrying the key count for the entity at
 * once, without being sent again. For admins (`mttr.mappings.manage`).
 */
export function UnmappedTab(props: UnmappedTabProps) {
  const pageSize = props.pageSize ?? PAGE_SIZE;
  const api = useApi(mttrApiRef);
  const [offset, setOffset] = useState(0);
  const [mappingKey, setMappingKey] = useState('');
  const data = useAsyncRetry(
    () => api.listUnmappedIncidents({ limit: pageSize, offset }),
    [api, offset, pageSize],
  );

  if (data.loading && !data.value) {
    return <Progress />;
  }
  if (data.error) {
    if ((data.error as { statusCode?: number }).statusCode === 403) {
      return (
        <Alert severity="info">
          Only admins see unmapped incidents (permission mttr.mappings.manage).
        </Alert>
      );
    }
    return <ResponseErrorPanel error={data.error} />;
  }
  const { items, totalCount } = data.value!;

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <Typography variant="body2" color="textSecondary">
        These incidents map to no entity of the catalog, so they count nowhere
        yet. Add the right annotation to the entity (
        <code>pagerduty.com/service-id</code>,{' '}
        <code>mttr.dev/alert-matchers</code>,{' '}
        <code>mttr.dev/incident-keys</code>), or map one of their keys to an
        entity here: they count at once, without being sent again.
      </Typography>
      <MappingForm
        mappingKey={mappingKey}
        onMappingKeyChange={setMappingKey}
        onMapped={() => {
          setMappingKey('');
          data.retry();
        }}
      />
      <section aria-labelledby="mttr-unmapped-heading">
        <Typography variant="h6" component="h2" id="mttr-unmapped-heading">
          Unmapped incidents ({totalCount})
        </Typography>
        {items.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            Every incident maps to an entity.
          </Typography>
        ) : (
          <Paper variant="outlined">
            <Table size="small" aria-labelledby="mttr-unmapped-heading">
              <TableHead>
                <TableRow>
                  <TableCell>Source</TableCell>
                  <TableCell>Incident</TableCell>
                  <TableCell>Started</TableCell>
                  <TableCell>Labels</TableCell>
                  <TableCell>Mapping keys</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {items.map(incident => (
                  <UnmappedRow
                    key={`${incident.source}/${incident.incidentId}`}
                    incident={incident}
                    onChooseKey={setMappingKey}
                  />
                ))}
              </TableBody>
            </Table>
          </Paper>
        )}
        {totalCount > pageSize && (
          <Box display="flex" alignItems="center" mt={1} style={{ gap: 8 }}>
            <Button
              size="small"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - pageSize))}
            >
              Previous
            </Button>
            <Typography variant="body2">
              {offset + 1}–{Math.min(offset + pageSize, totalCount)} of{' '}
              {totalCount}
            </Typography>
            <Button
              size="small"
              disabled={offset + pageSize >= totalCount}
              onClick={() => setOffset(offset + pageSize)}
            >
              Next
            </Button>
          </Box>
        )}
      </section>
    </Box>
  );
}

function UnmappedRow(props: {
  incident: UnmappedIncident;
  onChooseKey: (key: string) => void;
}) {
  const { incident } = props;
  return (
    <TableRow>
      <TableCell>{incident.source}</TableCell>
      <TableCell>
        <SafeLink url={incident.url}>
          {incident.title ?? incident.incidentId}
        </SafeLink>
        <Typography variant="caption" display="block" color="textSecondary">
          {incident.incidentId} · {incident.status}
        </Typography>
        {incident.entityRefs.length > 0 && (
          <Typography variant="caption" display="block" color="error">
            Names entities the catalog does not know:{' '}
            {incident.entityRefs.join(', ')}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <span title={incident.startedAt}>
          {DateTime.fromISO(incident.startedAt).toLocaleString(
            DateTime.DATETIME_MED,
          )}
        </span>
      </TableCell>
      <TableCell>
        <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
          {incident.labels.map(label => (
            <Chip key={label} size="small" label={label} />
          ))}
        </Box>
      </TableCell>
      <TableCell>
        <Box display="flex" flexDirection="column" style={{ gap: 4 }}>
          {incident.mappingKeys.map(key => (
            <Box
              key={key}
              display="flex"
              alignItems="center"
              style={{ gap: 4 }}
            >
              <code>{key}</code>
              <Button
                size="small"
                color="primary"
                aria-label={`Map ${key}`}
                onClick={() => props.onChooseKey(key)}
              >
                Map
              </Button>
            </Box>
          ))}
        </Box>
      </TableCell>
    </TableRow>
  );
}

/** The entity ref as the backend stores it, or undefined when it is not one. */
function normalisedRef(text: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(text.trim(), {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

function MappingForm(props: {
  mappingKey: string;
  onMappingKeyChange: (key: string) => void;
  onMapped: () => void;
}) {
  const api = useApi(mttrApiRef);
  const [entityRef, setEntityRef] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<
    { ok: true; text: string } | { ok: false; text: string } | undefined
  >();
  const ref = normalisedRef(entityRef);
  const canSubmit =
    props.mappingKey.trim() !== '' && ref !== undefined && !busy;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSubmit) {
      return;
    }
    setBusy(true);
    setResult(undefined);
    try {
      const mapping = await api.putMapping({
        mappingKey: props.mappingKey.trim(),
        entityRef: ref!,
      });
      setResult({
        ok: true,
        text: `Incidents with ${mapping.mappingKey} now count for ${mapping.entityRef}.`,
      });
      setEntityRef('');
      props.onMapped();
    } catch (error) {
      setResult({ ok: false, text: `Not mapped: ${describeError(error)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper variant="outlined">
      <Box
        component="form"
        p={2}
        display="flex"
        flexWrap="wrap"
        alignItems="flex-start"
        style={{ gap: 16 }}
        onSubmit={submit}
        aria-label="Map a key to an entity"
      >
        <TextField
          id="mttr-mapping-key"
          label="Mapping key"
          placeholder="pagerduty:service:PABC123"
          value={props.mappingKey}
          onChange={e => props.onMappingKeyChange(e.target.value)}
          style={{ minWidth: 320 }}
          size="small"
          variant="outlined"
        />
        <TextField
          id="mttr-mapping-entity"
          label="Entity"
          placeholder="component:default/payments-api"
          value={entityRef}
          onChange={e => setEntityRef(e.target.value)}
          error={entityRef.trim() !== '' && ref === undefined}
          helperText={
            entityRef.trim() !== '' && ref === undefined
              ? 'Not an entity ref'
              : 'kind:namespace/name; a bare name is a component'
          }
          style={{ minWidth: 320 }}
          size="small"
          variant="outlined"
        />
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={!canSubmit}
        >
          Map
        </Button>
      </Box>
      {result && (
        <Box px={2} pb={2}>
          <Alert severity={result.ok ? 'success' : 'error'} role="status">
            {result.text}
          </Alert>
        </Box>
      )}
    </Paper>
  );
}
