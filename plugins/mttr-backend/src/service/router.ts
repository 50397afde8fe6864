import { HttpAuthService } from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import {
  IncidentStatus,
  Severity,
  comparisonCsvHeader,
  comparisonCsvLine,
} from '@mttr-backstage/plugin-mttr-common';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { spec } from '../schema/openapi.generated';
import { IncidentsService } from './incidents/IncidentsService';
import { PlausibleTimes } from './input/instants';
import {
  entityRefInput,
  instantInput,
  queryIntegerInput,
  refuseUnstorableText,
  requiredEntityRefInput,
} from './input/requestInput';
import { IncidentIngestion } from './ingest/IncidentIngestion';
import { LeversService } from './levers/LeversService';
import { MappingsService } from './mappings/MappingsService';
import { DeploymentIngestion } from './deployments/DeploymentIngestion';
import { DeploymentsService } from './deployments/DeploymentsService';
import { HeavyReadsBusyError } from './metrics/HeavyReadQueue';
import { RecoveryMetricsService } from './metrics/RecoveryMetricsService';
import {
  ComparisonQuery,
  ComparisonService,
} from './comparison/ComparisonService';
import { SortField } from './comparison/comparisonRows';

/**
 * Request bodies up to this size: 1,000 events of ordinary size fit (Express
 * would stop at 100 kB); beyond it the answer is 413.
 */
export const BODY_LIMIT = '5mb';

/** @internal */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  /** The range event times and read windows must lie in. */
  times: PlausibleTimes;
  ingestion: IncidentIngestion;
  metrics: RecoveryMetricsService;
  comparison: ComparisonService;
  incidents: IncidentsService;
  mappings: MappingsService;
  levers: LeversService;
  deploymentIngestion: DeploymentIngestion;
  deployments: DeploymentsService;
}

/**
 * The document's response types are open objects (index signatures), which
 * the contract's interfaces cannot be assigned to; the shapes themselves are
 * the same (tests check the answers).
 */
function body(value: object): any {
  return value;
}

function list<T extends string>(value: unknown): T[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  return (Array.isArray(value) ? value : [value]).map(String) as T[];
}

/** Writes lines to the response, waiting while its buffer is full. */
async function writeLines(res: express.Response, lines: string[]) {
  if (lines.length === 0) {
    return;
  }
  if (!res.write(`${lines.join('\n')}\n`)) {
    await new Promise<void>(resolve => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
}

/**
 * The HTTP layer: parses and checks input, asks for credentials, and calls
 * the services. Requests are validated against the OpenAPI document in
 * src/schema/openapi.yaml (except the event batch, validated by the
 * ingestion so that messages name the event index).
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    ingestion,
    metrics,
    comparison,
    incidents,
    mappings,
    levers,
    times,
    deploymentIngestion,
    deployments,
  } = options;
  const date = (value: unknown, field: string) =>
    instantInput(value, field, times);
  const int = (
    req: { originalUrl: string },
    name: string,
    fallback: number,
    max?: number,
  ) => queryIntegerInput(req, name, { fallback, max });

  const router = Router();
  // Parsed here, ahead of the OpenAPI router, so that a body over the limit
  // answers 413 (the OpenAPI router turns errors of its own middleware into
  // 400s).
  router.use(express.json({ limit: BODY_LIMIT }));
  router.use(refuseUnstorableText());

  const api = createValidatedOpenApiRouter(spec, {
    validatorOptions: {
      // The event and deployment batches get their own validation with
      // index-naming messages (and so does GET /deployments, on the same
      // path: its query is checked by the route).
      ignorePaths: (path: string) =>
        path.endsWith('/events') || path.endsWith('/deployments'),
    },
  });
  router.use(api);

  api.get('/health', async (_req, res) => {
    res.json({ status: 'ok' });
  });

  api.post('/events', async (req, res) => {
    // Sources push with service tokens: Backstage plugins, and static
    // external-access tokens from backend.auth.externalAccess. Users do not.
    await httpAuth.credentials(req, { allow: ['service'] });
    res.json(body(await ingestion.ingestBody(req.body)));
  });

  api.post('/deployments', async (req, res) => {
    // The same credentials as POST /events: deployment sources push with
    // service tokens.
    await httpAuth.credentials(req, { allow: ['service'] });
    res.json(body(await deploymentIngestion.ingestBody(req.body)));
  });

  api.get('/deployments', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const q = req.query;
    const definition = q.definition;
    if (definition !== undefined && typeof definition !== 'string') {
      throw new InputError('definition: must be given once');
    }
    res.json(
      body(
        await deployments.listDeployments({
          entityRef: requiredEntityRefInput(q.entityRef, 'entityRef'),
          definition,
          from: date(q.from, 'from'),
          to: date(q.to, 'to'),
          limit: int(req, 'limit', 50, 1000),
          offset: int(req, 'offset', 0),
          credentials,
        }),
      ),
    );
  });

  api.get('/definitions', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(body(metrics.getDefinitions()));
  });

  api.get('/metrics', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const q = req.query;
    res.json(
      body(
        await metrics.getEntityMetrics({
          entityRef: requiredEntityRefInput(q.entityRef, 'entityRef'),
          definition: q.definition,
          from: date(q.from, 'from'),
          to: date(q.to, 'to'),
          severities: list<Severity>(q.severity),
          credentials,
        }),
      ),
    );
  });

  // The comparison's query, as /metrics/by-entity, /metrics/comparison and
  // its CSV take it.
  const comparisonQuery = (
    q: Record<string, any>,
    credentials: ComparisonQuery['credentials'],
    defaultSort: SortField,
  ): ComparisonQuery => ({
    definition: metrics.definition(q.definition),
    window: metrics.comparisonWindow(date(q.from, 'from'), date(q.to, 'to')),
    severities: list<Severity>(q.severity),
    kind: q.kind,
    owner: q.owner,
    system: q.system,
    lifecycle: q.lifecycle,
    tag: q.tag,
    search: q.search,
    changeFailureBand: q.changeFailureBand,
    groupBy: q.groupBy,
    sort: (q.sort as SortField | undefined) ?? defaultSort,
    order: q.order ?? 'desc',
    credentials,
  });

  api.get('/metrics/by-entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      body(
        await comparison.getByEntity({
          ...comparisonQuery(req.query, credentials, 'count'),
          limit: int(req, 'limit', 100, 1000),
          offset: int(req, 'offset', 0),
        }),
      ),
    );
  });

  api.get('/metrics/comparison', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const include = new Set(
      (list<string>(req.query.include) ?? []).flatMap(v => v.split(',')),
    );
    res.json(
      body(
        await comparison.getComparison({
          ...comparisonQuery(req.query, credentials, 'medianMs'),
          limit: int(req, 'limit', 50, 1000),
          offset: int(req, 'offset', 0),
          include: {
            choices: include.has('choices'),
            points: include.has('points'),
          },
        }),
      ),
    );
  });

  api.get('/metrics/comparison.csv', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = comparisonQuery(req.query, credentials, 'medianMs');
    const rows = comparison.allRows(query);
    // The first row is computed before the headers go: an error until then
    // is an ordinary error answer.
    const first = await rows.next();
    const day = (d: Date) => d.toISOString().slice(0, 10);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="mttr-comparison-${query.definition.id.replace(
        /[^\w.-]/g,
        '_',
      )}-${day(query.window.from)}-${day(query.window.to)}.csv"`,
    );
    const context = {
      definition: query.definition.title,
      window: `${query.window.from.toISOString()}/${query.window.to.toISOString()}`,
    };
    await writeLines(res, [comparisonCsvHeader()]);
    let chunk: string[] = [];
    for (let next = first; !next.done; next = await rows.next()) {
      chunk.push(comparisonCsvLine(next.value, context));
      if (chunk.length === 200) {
        await writeLines(res, chunk);
        chunk = [];
      }
    }
    await writeLines(res, chunk);
    res.end();
  });

  api.get('/metrics/series', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const q = req.query;
    res.json(
      body(
        await metrics.getSeries({
          entityRef: requiredEntityRefInput(q.entityRef, 'entityRef'),
          definition: q.definition,
          from: date(q.from, 'from'),
          to: date(q.to, 'to'),
          severities: list<Severity>(q.severity),
          bucket: q.bucket ?? 'week',
          credentials,
        }),
      ),
    );
  });

  api.get('/metrics/levers', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const q = req.query;
    res.json(
      body(
        await levers.getLevers({
          entityRef: requiredEntityRefInput(q.entityRef, 'entityRef'),
          definition: q.definition,
          from: date(q.from, 'from'),
          to: date(q.to, 'to'),
          credentials,
        }),
      ),
    );
  });

  api.get('/incidents', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const q = req.query;
    res.json(
      body(
        await incidents.listIncidents({
          entityRef: entityRefInput(q.entityRef, 'entityRef'),
          from: date(q.from, 'from'),
          to: date(q.to, 'to'),
          statuses: list<IncidentStatus>(q.status),
          limit: int(req, 'limit', 50, 1000),
          offset: int(req, 'offset', 0),
          credentials,
        }),
      ),
    );
  });

  // Mappings are managed by people (mttr.mappings.manage), never by a
  // service token: the static token of an incident source may post events,
  // and under an allow-all policy it would otherwise also remap incidents.
  api.get('/incidents/unmapped', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user'],
    });
    res.json(
      body(
        await mappings.listUnmapped({
          limit: int(req, 'limit', 50, 1000),
          offset: int(req, 'offset', 0),
          credentials,
        }),
      ),
    );
  });

  api.get('/mappings', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user'],
    });
    const q = req.query;
    res.json(
      body(
        await mappings.list({
          origin: q.origin,
          mappingKey: q.mappingKey,
          entityRef: entityRefInput(q.entityRef, 'entityRef'),
          limit: int(req, 'limit', 100, 1000),
          offset: int(req, 'offset', 0),
          credentials,
        }),
      ),
    );
  });

  api.put('/mappings', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user'],
    });
    res.json(
      body(
        await mappings.put({
          mappingKey: req.body.mappingKey,
          entityRef: requiredEntityRefInput(req.body.entityRef, 'entityRef'),
          credentials,
        }),
      ),
    );
  });

  api.delete('/mappings', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user'],
    });
    await mappings.delete({
      mappingKey: String(req.query.mappingKey),
      entityRef: requiredEntityRefInput(req.query.entityRef, 'entityRef'),
      credentials,
    });
    res.status(204).end();
  });

  // A heavy read refused by the queue answers 503 through Backstage's error
  // handler; the header tells the client when to come back.
  router.use(
    (
      error: unknown,
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error instanceof HeavyReadsBusyError && !res.headersSent) {
        res.set('Retry-After', String(error.retryAfterSeconds));
      }
      next(error);
    },
  );

  return router;
}
