// Generated from openapi.yaml by scripts/openapi-generate.mjs: do not edit.
// Run `npm run openapi:generate` in plugins/mttr-backend after changing the YAML.

export const spec = {
  "openapi": "3.1.0",
  "info": {
    "title": "mttr",
    "version": "1",
    "description": "Incident recovery metrics (MTTR) for Backstage entities.\n\nAll paths are relative to the plugin's base URL, `/api/mttr`. Every route\nexcept `/health` needs a Backstage token (`Authorization: Bearer ...`):\nreads take a user or service token, `POST /events` takes only service\ntokens (Backstage plugins, and static tokens configured under\n`backend.auth.externalAccess`); the mapping routes and every decision on\naccess take user tokens only, whatever the permission policy says. Reads\nanswer only for entities the caller can see in the catalog.\n\nInput rules, the same for every route and every database engine (a\n400 InputError naming the field otherwise):\n- times are ISO 8601 with an offset (`Z`, `+02:00` or `+0200`), real\n  dates and times of day, offsets within ±18:00, and lie within\n  `mttr.plausibleTimes` (by default from 2000-01-01 to one day after now);\n- strings contain no NUL character and no lone UTF-16 surrogate;\n  identifiers, keys, fingerprints and labels are at most 255 characters\n  (the columns they are stored in);\n- entity refs are refs (`kind:namespace/name`, the namespace `default`\n  when left out) of at most 255 characters;\n- integers (`limit`, `offset`) are written in decimal digits only\n  (`0x10` and `1e2` are refused).\n\nReads of figures cover windows of at most 731 days (two years), so a\nseries has at most 106 weekly or 25 monthly buckets; every list is\npaged (`limit`, `offset`). The heaviest reads (a comparison's first\nread of a window, `/metrics/by-entity?groupBy=owner`, and\n`/metrics/series` over more than 90 days) run a few at a time\n(`mttr.heavyReads`); when too many already wait, they answer 503 with\n`Retry-After` (seconds), and clients retry then.\n\nDuring start-up and shutdown of a backend, requests can get 503 with\n`Retry-After` (or, from a backend without the demo portal's start-up\ngate, 404 with an empty body): senders retry both, and load balancers\nroute by `/.backstage/health/v1/readiness`.\n\nTimes are ISO 8601 in UTC with millisecond precision; durations are in\nmilliseconds. Windows are `[from, to)` and default to the 90 days before\nnow. The change against the previous period is not a separate field:\ncall `/metrics` again with the previous window (`from - (to - from)` to\n`from`).\n\nErrors are Backstage error bodies (`{ error: { name, message }, request,\nresponse: { statusCode } }`): 400 InputError (the message names the field,\nand for event batches the index: `events[3].type`), 401 without a token,\n403 NotAllowedError, 404 NotFoundError (an entity the caller cannot see\nis not found), 413 when a request body exceeds 5 MB.\n\nJust-in-time access (`/access-requests`, `/access-targets`, `/on-call`,\n`/access-audit/verify`): durations there are whole minutes; a decision\non a request that is no longer pending answers 409 ConflictError.\n",
    "license": {
      "name": "Apache-2.0",
      "url": "http://www.apache.org/licenses/LICENSE-2.0.html"
    }
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "tags": [
    {
      "name": "Events"
    },
    {
      "name": "Metrics"
    },
    {
      "name": "Incidents"
    },
    {
      "name": "Mappings"
    },
    {
      "name": "Deployments"
    },
    {
      "name": "Access"
    }
  ],
  "components": {
    "securitySchemes": {
      "JWT": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT"
      }
    },
    "parameters": {
      "definition": {
        "name": "definition",
        "in": "query",
        "description": "A recovery definition id; the default definition when absent.",
        "required": false,
        "schema": {
          "type": "string"
        }
      },
      "from": {
        "name": "from",
        "in": "query",
        "allowReserved": true,
        "description": "Start of the window (inclusive), ISO 8601 with an offset. Default `to` - 90 days; at most 731 days before `to`.",
        "required": false,
        "schema": {
          "type": "string",
          "format": "date-time"
        }
      },
      "to": {
        "name": "to",
        "in": "query",
        "allowReserved": true,
        "description": "End of the window (exclusive), ISO 8601 with an offset. Default now.",
        "required": false,
        "schema": {
          "type": "string",
          "format": "date-time"
        }
      },
      "entityRef": {
        "name": "entityRef",
        "in": "query",
        "allowReserved": true,
        "description": "An entity ref of at most 255 characters; `component:payments` means `component:default/payments`.",
        "required": true,
        "schema": {
          "type": "string"
        }
      },
      "severity": {
        "name": "severity",
        "in": "query",
        "description": "Only units of these severities (repeat the parameter for several).",
        "required": false,
        "explode": true,
        "schema": {
          "type": "array",
          "items": {
            "type": "string",
            "enum": [
              "sev1",
              "sev2",
              "sev3",
              "sev4",
              "sev5"
            ]
          }
        }
      },
      "limit": {
        "name": "limit",
        "in": "query",
        "description": "Decimal digits only.",
        "required": false,
        "schema": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000
        }
      },
      "offset": {
        "name": "offset",
        "in": "query",
        "description": "Decimal digits only.",
        "required": false,
        "schema": {
          "type": "integer",
          "minimum": 0
        }
      },
      "kind": {
        "name": "kind",
        "in": "query",
        "allowReserved": true,
        "description": "Entity kind, e.g. `Component` (case-insensitive).",
        "schema": {
          "type": "string"
        }
      },
      "owner": {
        "name": "owner",
        "in": "query",
        "allowReserved": true,
        "description": "Owner ref; `team-payments` means `group:default/team-payments`.",
        "schema": {
          "type": "string"
        }
      },
      "system": {
        "name": "system",
        "in": "query",
        "allowReserved": true,
        "description": "System ref; `payments` means `system:default/payments`.",
        "schema": {
          "type": "string"
        }
      },
      "lifecycle": {
        "name": "lifecycle",
        "in": "query",
        "allowReserved": true,
        "description": "Lifecycle (case-insensitive).",
        "schema": {
          "type": "string"
        }
      },
      "tag": {
        "name": "tag",
        "in": "query",
        "allowReserved": true,
        "description": "A tag the entity carries (case-insensitive).",
        "schema": {
          "type": "string"
        }
      },
      "groupBy": {
        "name": "groupBy",
        "in": "query",
        "description": "`owner`: one row per owning group of the entities that pass the\nfilters (its `entityRef` is the group's ref, `entityCount` how many\nentities were rolled up).\n",
        "schema": {
          "type": "string",
          "enum": [
            "entity",
            "owner"
          ]
        }
      },
      "search": {
        "name": "search",
        "in": "query",
        "allowReserved": true,
        "description": "Rows whose name (title, else the entity's name) or entity ref contains this text, case-insensitively.",
        "schema": {
          "type": "string",
          "maxLength": 255
        }
      },
      "comparisonSort": {
        "name": "sort",
        "in": "query",
        "description": "The field rows are sorted by; default `count` on\n`/metrics/by-entity`, `medianMs` on `/metrics/comparison`. `name` is\nthe title, else the entity's name (case-insensitive); `change` is\n`change.medianRatio`; `owner` of an owner's row is its own ref.\nRows without a value come last in either order; ties are broken by\n`entityRef` ascending.\n",
        "schema": {
          "type": "string",
          "enum": [
            "name",
            "owner",
            "change",
            "count",
            "recovered",
            "open",
            "excluded",
            "meanMs",
            "medianMs",
            "p90Ms",
            "totalDowntimeMs",
            "frequencyPer30d",
            "reopenRate",
            "detectMs",
            "acknowledgeMs",
            "mitigateMs",
            "resolveMs",
            "entityCount",
            "entityRef",
            "title",
            "changeFailureRate",
            "deploymentFrequencyPer30d",
            "failedDeploymentRecoveryMs",
            "reviewCoverage",
            "openActionItems",
            "medianTimeToAccessMs"
          ]
        }
      },
      "changeFailureBand": {
        "name": "changeFailureBand",
        "in": "query",
        "allowReserved": true,
        "required": false,
        "description": "Only rows whose change failure rate is in one of these bands\n(comma-separated `elite`, `high`, `medium`, `low`; `none` for rows\nwithout a rate). The bands' bounds are `mttr.changeFailure.bands`.\n",
        "schema": {
          "type": "string"
        }
      },
      "order": {
        "name": "order",
        "in": "query",
        "description": "Default `desc`.",
        "schema": {
          "type": "string",
          "enum": [
            "asc",
            "desc"
          ]
        }
      }
    },
    "schemas": {
      "Severity": {
        "type": "string",
        "enum": [
          "sev1",
          "sev2",
          "sev3",
          "sev4",
          "sev5"
        ]
      },
      "EventType": {
        "type": "string",
        "description": "`updated` carries attributes only and changes no lifecycle state.",
        "enum": [
          "triggered",
          "acknowledged",
          "mitigated",
          "resolved",
          "reopened",
          "updated"
        ]
      },
      "IncidentReview": {
        "type": "object",
        "description": "The post-incident review.",
        "required": [
          "status"
        ],
        "additionalProperties": false,
        "properties": {
          "url": {
            "type": "string",
            "description": "An http(s) link to the review."
          },
          "status": {
            "type": "string",
            "enum": [
              "none",
              "scheduled",
              "draft",
              "published"
            ]
          },
          "publishedAt": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "IncidentActionItems": {
        "type": "object",
        "description": "The review's follow-up actions.",
        "required": [
          "open",
          "done"
        ],
        "additionalProperties": false,
        "properties": {
          "open": {
            "type": "integer",
            "minimum": 0
          },
          "done": {
            "type": "integer",
            "minimum": 0
          }
        }
      },
      "IncidentAccessStep": {
        "type": "object",
        "required": [
          "type",
          "at",
          "requestId",
          "target",
          "breakGlass"
        ],
        "properties": {
          "type": {
            "type": "string",
            "enum": [
              "access_requested",
              "access_granted"
            ]
          },
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "requestId": {
            "type": "string"
          },
          "target": {
            "type": "string",
            "description": "The target's title, else its id."
          },
          "breakGlass": {
            "type": "boolean"
          }
        }
      },
      "RecoveryLevers": {
        "type": "object",
        "description": "The levers of recovery; see docs/improvement-levers.md. Every field present, null where there is nothing to measure.",
        "required": [
          "reviews",
          "drills",
          "automation",
          "access"
        ],
        "properties": {
          "reviews": {
            "type": "object",
            "required": [
              "due",
              "published",
              "coverage",
              "medianTimeToPublishMs",
              "openActionItems",
              "repeatsAfterReview"
            ],
            "properties": {
              "due": {
                "type": "integer"
              },
              "published": {
                "type": "integer"
              },
              "coverage": {
                "type": "number",
                "nullable": true
              },
              "medianTimeToPublishMs": {
                "type": "number",
                "nullable": true
              },
              "openActionItems": {
                "type": "integer"
              },
              "repeatsAfterReview": {
                "type": "integer"
              }
            }
          },
          "drills": {
            "type": "object",
            "required": [
              "count",
              "recovered",
              "medianMs"
            ],
            "properties": {
              "count": {
                "type": "integer"
              },
              "recovered": {
                "type": "integer"
              },
              "medianMs": {
                "type": "number",
                "nullable": true
              }
            }
          },
          "automation": {
            "type": "object",
            "required": [
              "count",
              "share",
              "medianMs",
              "manualMedianMs"
            ],
            "properties": {
              "count": {
                "type": "integer"
              },
              "share": {
                "type": "number",
                "nullable": true
              },
              "medianMs": {
                "type": "number",
                "nullable": true
              },
              "manualMedianMs": {
                "type": "number",
                "nullable": true
              }
            }
          },
          "access": {
            "type": "object",
            "required": [
              "incidentsWithAccess",
              "medianTimeToAccessMs",
              "breakGlass"
            ],
            "properties": {
              "incidentsWithAccess": {
                "type": "integer"
              },
              "medianTimeToAccessMs": {
                "type": "number",
                "nullable": true
              },
              "breakGlass": {
                "type": "integer"
              }
            }
          }
        }
      },
      "UnreviewedIncident": {
        "type": "object",
        "required": [
          "source",
          "incidentId",
          "recoveredAt",
          "dueAt"
        ],
        "properties": {
          "source": {
            "type": "string"
          },
          "incidentId": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "severity": {
            "$ref": "#/components/schemas/Severity"
          },
          "url": {
            "type": "string"
          },
          "recoveredAt": {
            "type": "string",
            "format": "date-time"
          },
          "dueAt": {
            "type": "string",
            "format": "date-time"
          },
          "review": {
            "$ref": "#/components/schemas/IncidentReview"
          }
        }
      },
      "LeversResponse": {
        "type": "object",
        "required": [
          "entityRef",
          "definition",
          "from",
          "to",
          "levers",
          "unreviewed"
        ],
        "properties": {
          "entityRef": {
            "type": "string"
          },
          "definition": {
            "type": "string"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "levers": {
            "$ref": "#/components/schemas/RecoveryLevers"
          },
          "unreviewed": {
            "type": "array",
            "description": "Due incidents without a review published in time, latest recovery first.",
            "items": {
              "$ref": "#/components/schemas/UnreviewedIncident"
            }
          }
        }
      },
      "IncidentAttributes": {
        "type": "object",
        "description": "Optional, partial attributes; each takes the value of the latest event (by `at`) that carries it.",
        "properties": {
          "title": {
            "type": "string",
            "maxLength": 1000
          },
          "severity": {
            "$ref": "#/components/schemas/Severity"
          },
          "entityRefs": {
            "type": "array",
            "maxItems": 100,
            "items": {
              "type": "string"
            }
          },
          "fingerprint": {
            "type": "string",
            "maxLength": 255
          },
          "labels": {
            "type": "array",
            "maxItems": 100,
            "items": {
              "type": "string"
            }
          },
          "url": {
            "type": "string",
            "description": "An http(s) link to the incident in its source."
          },
          "runbookUrl": {
            "type": "string"
          },
          "impactStartedAt": {
            "type": "string",
            "format": "date-time"
          },
          "mappingKeys": {
            "type": "array",
            "maxItems": 100,
            "items": {
              "type": "string"
            },
            "description": "Keys such as `pagerduty:service:PABC123` that catalog annotations or manual mappings map to entities."
          },
          "review": {
            "$ref": "#/components/schemas/IncidentReview"
          },
          "actionItems": {
            "$ref": "#/components/schemas/IncidentActionItems"
          },
          "causedBy": {
            "$ref": "#/components/schemas/DeploymentRef"
          }
        }
      },
      "IncidentEvent": {
        "type": "object",
        "required": [
          "source",
          "incidentId",
          "eventId",
          "type",
          "at"
        ],
        "properties": {
          "source": {
            "type": "string",
            "description": "1-64 letters, digits, `.`, `_` or `-`."
          },
          "incidentId": {
            "type": "string",
            "maxLength": 255
          },
          "eventId": {
            "type": "string",
            "maxLength": 255,
            "description": "Unique per source; a repeated `(source, eventId)` is a duplicate and changes nothing."
          },
          "type": {
            "$ref": "#/components/schemas/EventType"
          },
          "at": {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with an offset."
          },
          "incident": {
            "$ref": "#/components/schemas/IncidentAttributes"
          }
        }
      },
      "IngestResult": {
        "type": "object",
        "required": [
          "accepted",
          "duplicates"
        ],
        "properties": {
          "accepted": {
            "type": "integer"
          },
          "duplicates": {
            "type": "integer"
          }
        }
      },
      "DeploymentRef": {
        "type": "object",
        "description": "Names the deployment that caused an incident (an explicit change-failure link).",
        "required": [
          "source",
          "deploymentId"
        ],
        "properties": {
          "source": {
            "type": "string",
            "maxLength": 255
          },
          "deploymentId": {
            "type": "string",
            "maxLength": 255
          }
        }
      },
      "DeploymentStatus": {
        "type": "string",
        "description": "`succeeded`: went live; `failed`: never went live; `rolled_back`: went live and was undone.",
        "enum": [
          "succeeded",
          "failed",
          "rolled_back"
        ]
      },
      "DeploymentRecord": {
        "type": "object",
        "description": "One status record of a deployment. `(source, deploymentId)` identifies\na deployment; of its records the one with the latest `at` wins (of\nrecords with the same `at`, the one received last). The same\n`(source, deploymentId, at, status)` again is a duplicate.\n",
        "required": [
          "source",
          "deploymentId",
          "at",
          "status",
          "entityRefs",
          "environment"
        ],
        "properties": {
          "source": {
            "type": "string",
            "description": "1-64 letters, digits, `.`, `_` or `-`."
          },
          "deploymentId": {
            "type": "string",
            "maxLength": 255
          },
          "at": {
            "type": "string",
            "format": "date-time",
            "description": "When this status was reported."
          },
          "status": {
            "$ref": "#/components/schemas/DeploymentStatus"
          },
          "entityRefs": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": {
              "type": "string"
            },
            "description": "Entity refs, normalised like incidents'; unknown entities are kept."
          },
          "environment": {
            "type": "string",
            "maxLength": 255
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "finishedAt": {
            "type": "string",
            "format": "date-time",
            "description": "When it went live; required unless the status is `failed`."
          },
          "version": {
            "type": "string",
            "maxLength": 255
          },
          "commit": {
            "type": "string",
            "maxLength": 255
          },
          "url": {
            "type": "string",
            "description": "An http(s) link."
          },
          "rollbackOf": {
            "type": "string",
            "maxLength": 255,
            "description": "This deployment undid that one (same source)."
          }
        }
      },
      "DeploymentLink": {
        "type": "object",
        "required": [
          "kind"
        ],
        "properties": {
          "kind": {
            "type": "string",
            "enum": [
              "explicit",
              "rollback",
              "window"
            ]
          },
          "incident": {
            "type": "object",
            "required": [
              "source",
              "incidentId",
              "startedAt"
            ],
            "properties": {
              "source": {
                "type": "string"
              },
              "incidentId": {
                "type": "string"
              },
              "title": {
                "type": "string"
              },
              "startedAt": {
                "type": "string",
                "format": "date-time",
                "description": "The incident's start under the definition (its earliest counted unit's)."
              }
            }
          },
          "rolledBackBy": {
            "type": "string",
            "description": "For a rollback by another deployment, its deploymentId."
          }
        }
      },
      "Deployment": {
        "type": "object",
        "required": [
          "source",
          "deploymentId",
          "at",
          "status",
          "entityRefs",
          "environment",
          "live",
          "changeFailure",
          "linkedBy",
          "links",
          "recoveredAt",
          "recoveryMs"
        ],
        "properties": {
          "source": {
            "type": "string"
          },
          "deploymentId": {
            "type": "string"
          },
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "status": {
            "$ref": "#/components/schemas/DeploymentStatus"
          },
          "entityRefs": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "environment": {
            "type": "string"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "finishedAt": {
            "type": "string",
            "format": "date-time"
          },
          "version": {
            "type": "string"
          },
          "commit": {
            "type": "string"
          },
          "url": {
            "type": "string"
          },
          "rollbackOf": {
            "type": "string"
          },
          "live": {
            "type": "boolean"
          },
          "changeFailure": {
            "type": "boolean"
          },
          "linkedBy": {
            "type": [
              "string",
              "null"
            ],
            "enum": [
              "explicit",
              "rollback",
              "window",
              null
            ]
          },
          "links": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/DeploymentLink"
            }
          },
          "recoveredAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "recoveryMs": {
            "type": [
              "number",
              "null"
            ]
          }
        }
      },
      "DeploymentsResponse": {
        "type": "object",
        "required": [
          "items",
          "totalCount"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Deployment"
            }
          },
          "totalCount": {
            "type": "integer"
          }
        }
      },
      "RecoveryDefinition": {
        "type": "object",
        "required": [
          "id",
          "title",
          "start",
          "end",
          "reopens",
          "excludeLabels"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "start": {
            "type": "string",
            "enum": [
              "triggered",
              "impact"
            ]
          },
          "end": {
            "type": "string",
            "enum": [
              "resolved",
              "mitigated"
            ]
          },
          "reopens": {
            "type": "string",
            "enum": [
              "extend",
              "separate"
            ]
          },
          "recurrenceWindowMs": {
            "type": "integer"
          },
          "severities": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Severity"
            }
          },
          "excludeLabels": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "minDurationMs": {
            "type": "integer"
          }
        }
      },
      "DefinitionsResponse": {
        "type": "object",
        "required": [
          "defaultDefinition",
          "items"
        ],
        "properties": {
          "defaultDefinition": {
            "type": "string"
          },
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/RecoveryDefinition"
            }
          }
        }
      },
      "RecoveryStages": {
        "type": "object",
        "description": "Medians over the counted units that have both ends of each stage.",
        "required": [
          "detectMs",
          "acknowledgeMs",
          "mitigateMs",
          "resolveMs"
        ],
        "properties": {
          "detectMs": {
            "type": [
              "number",
              "null"
            ],
            "description": "impact started to triggered"
          },
          "acknowledgeMs": {
            "type": [
              "number",
              "null"
            ],
            "description": "triggered to first acknowledged"
          },
          "mitigateMs": {
            "type": [
              "number",
              "null"
            ],
            "description": "to first mitigated"
          },
          "resolveMs": {
            "type": [
              "number",
              "null"
            ],
            "description": "mitigated to resolved"
          }
        }
      },
      "QuantileInterval": {
        "type": [
          "object",
          "null"
        ],
        "description": "95% confidence interval of a quantile of the recovered durations,\ndistribution-free from order statistics; null with too few\nrecoveries to bound it (median: n <= 5, p90: n <= 35).\n",
        "required": [
          "lowMs",
          "highMs"
        ],
        "properties": {
          "lowMs": {
            "type": "number"
          },
          "highMs": {
            "type": "number"
          }
        }
      },
      "RecoveryChange": {
        "type": "object",
        "description": "The change of the median against the previous window of equal\nlength (ending at `from`), with a two-sided Mann-Whitney U test of\nthe two windows' recovered durations (normal approximation, tie\nand continuity corrections).\n",
        "required": [
          "previousFrom",
          "previousTo",
          "previousRecovered",
          "previousMedianMs",
          "medianRatio",
          "pValue",
          "significant"
        ],
        "properties": {
          "previousFrom": {
            "type": "string",
            "format": "date-time"
          },
          "previousTo": {
            "type": "string",
            "format": "date-time"
          },
          "previousRecovered": {
            "type": "integer"
          },
          "previousMedianMs": {
            "type": [
              "number",
              "null"
            ]
          },
          "medianRatio": {
            "type": [
              "number",
              "null"
            ],
            "description": "medianMs / previousMedianMs; null when either is null or the previous is 0."
          },
          "pValue": {
            "type": [
              "number",
              "null"
            ],
            "description": "Null when either window has fewer than 5 recovered units."
          },
          "significant": {
            "type": "boolean",
            "description": "pValue < 0.05."
          }
        }
      },
      "RecoveryMetrics": {
        "allOf": [
          {
            "$ref": "#/components/schemas/RecoveryFigures"
          },
          {
            "type": "object",
            "required": [
              "change"
            ],
            "properties": {
              "change": {
                "$ref": "#/components/schemas/RecoveryChange"
              }
            }
          }
        ]
      },
      "RecoveryFigures": {
        "type": "object",
        "required": [
          "entityRef",
          "definition",
          "from",
          "to",
          "count",
          "recovered",
          "open",
          "excluded",
          "meanMs",
          "medianMs",
          "p90Ms",
          "medianCi",
          "p90Ci",
          "totalDowntimeMs",
          "frequencyPer30d",
          "reopenRate",
          "stages",
          "severityMix"
        ],
        "properties": {
          "entityRef": {
            "type": "string"
          },
          "definition": {
            "type": "string"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "count": {
            "type": "integer",
            "description": "Counted units (recovered + open) starting in the window."
          },
          "recovered": {
            "type": "integer"
          },
          "open": {
            "type": "integer"
          },
          "excluded": {
            "type": "integer",
            "description": "Recovered units left out by minDuration."
          },
          "meanMs": {
            "type": [
              "number",
              "null"
            ]
          },
          "medianMs": {
            "type": [
              "number",
              "null"
            ],
            "description": "Linear interpolation between closest ranks (percentile_cont)."
          },
          "p90Ms": {
            "type": [
              "number",
              "null"
            ]
          },
          "medianCi": {
            "$ref": "#/components/schemas/QuantileInterval"
          },
          "p90Ci": {
            "$ref": "#/components/schemas/QuantileInterval"
          },
          "totalDowntimeMs": {
            "type": "number"
          },
          "frequencyPer30d": {
            "type": "number",
            "description": "count * 30 days / (to - from)"
          },
          "reopenRate": {
            "type": [
              "number",
              "null"
            ],
            "description": "reopened units / count"
          },
          "stages": {
            "$ref": "#/components/schemas/RecoveryStages"
          },
          "severityMix": {
            "type": "object",
            "additionalProperties": {
              "type": "integer"
            },
            "description": "Counted units per severity (`none` for none)."
          }
        }
      },
      "EntityRecoveryMetrics": {
        "allOf": [
          {
            "$ref": "#/components/schemas/RecoveryMetrics"
          },
          {
            "type": "object",
            "properties": {
              "title": {
                "type": "string"
              },
              "kind": {
                "type": "string"
              },
              "owner": {
                "type": "string"
              },
              "system": {
                "type": "string"
              },
              "lifecycle": {
                "type": "string"
              },
              "tags": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "entityCount": {
                "type": "integer",
                "description": "With groupBy=owner, the entities rolled up."
              }
            }
          }
        ]
      },
      "ComparisonChoices": {
        "type": "object",
        "description": "The values of the filter pickers over every row the caller may see in the window before filters; sorted, blanks left out.",
        "required": [
          "owners",
          "systems",
          "kinds",
          "lifecycles",
          "tags"
        ],
        "properties": {
          "owners": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "systems": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "kinds": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "lifecycles": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "ComparisonPoint": {
        "type": "object",
        "required": [
          "entityRef",
          "name",
          "frequencyPer30d",
          "medianMs",
          "count"
        ],
        "properties": {
          "entityRef": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "frequencyPer30d": {
            "type": "number"
          },
          "medianMs": {
            "type": [
              "number",
              "null"
            ]
          },
          "count": {
            "type": "integer"
          }
        }
      },
      "ComparisonResponse": {
        "type": "object",
        "required": [
          "items",
          "totalCount",
          "fleetMedianMs"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EntityRecoveryMetrics"
            }
          },
          "totalCount": {
            "type": "integer",
            "description": "Rows that pass the filters and the search (all pages)."
          },
          "fleetMedianMs": {
            "type": [
              "number",
              "null"
            ],
            "description": "The median of the rows' medians over every row that passes the filters and has one (the mean of the middle two when even); null when none has."
          },
          "choices": {
            "$ref": "#/components/schemas/ComparisonChoices"
          },
          "points": {
            "type": "array",
            "description": "Every row that passes the filters, for the scatter.",
            "items": {
              "$ref": "#/components/schemas/ComparisonPoint"
            }
          }
        }
      },
      "ByEntityResponse": {
        "type": "object",
        "required": [
          "items",
          "totalCount"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EntityRecoveryMetrics"
            }
          },
          "totalCount": {
            "type": "integer"
          }
        }
      },
      "MetricsSeriesResponse": {
        "type": "object",
        "required": [
          "entityRef",
          "definition",
          "bucket",
          "items"
        ],
        "properties": {
          "entityRef": {
            "type": "string"
          },
          "definition": {
            "type": "string"
          },
          "bucket": {
            "type": "string",
            "enum": [
              "week",
              "month"
            ]
          },
          "items": {
            "type": "array",
            "items": {
              "allOf": [
                {
                  "$ref": "#/components/schemas/RecoveryFigures"
                },
                {
                  "type": "object",
                  "required": [
                    "bucket"
                  ],
                  "properties": {
                    "bucket": {
                      "type": "string",
                      "enum": [
                        "week",
                        "month"
                      ]
                    }
                  }
                }
              ]
            }
          }
        }
      },
      "IncidentCount": {
        "type": "object",
        "required": [
          "definition",
          "outcome",
          "units",
          "reasons"
        ],
        "properties": {
          "definition": {
            "type": "string"
          },
          "outcome": {
            "type": "string",
            "enum": [
              "counted",
              "excluded",
              "filtered",
              "folded"
            ]
          },
          "units": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "startAt",
                "endAt",
                "durationMs",
                "reopened"
              ],
              "properties": {
                "startAt": {
                  "type": "string",
                  "format": "date-time"
                },
                "endAt": {
                  "type": [
                    "string",
                    "null"
                  ],
                  "format": "date-time"
                },
                "durationMs": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "reopened": {
                  "type": "boolean"
                }
              }
            }
          },
          "reasons": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "Incident": {
        "type": "object",
        "required": [
          "source",
          "incidentId",
          "status",
          "entityRefs",
          "labels",
          "startedAt",
          "reopenCount",
          "timeline",
          "counts"
        ],
        "properties": {
          "source": {
            "type": "string"
          },
          "incidentId": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "severity": {
            "$ref": "#/components/schemas/Severity"
          },
          "status": {
            "type": "string",
            "enum": [
              "open",
              "mitigated",
              "resolved"
            ]
          },
          "entityRefs": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "fingerprint": {
            "type": "string"
          },
          "labels": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "url": {
            "type": "string"
          },
          "runbookUrl": {
            "type": "string"
          },
          "impactStartedAt": {
            "type": "string",
            "format": "date-time"
          },
          "causedBy": {
            "$ref": "#/components/schemas/DeploymentRef"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "resolvedAt": {
            "type": "string",
            "format": "date-time"
          },
          "reopenCount": {
            "type": "integer"
          },
          "timeline": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "eventId",
                "type",
                "at"
              ],
              "properties": {
                "eventId": {
                  "type": "string"
                },
                "type": {
                  "$ref": "#/components/schemas/EventType"
                },
                "at": {
                  "type": "string",
                  "format": "date-time"
                }
              }
            }
          },
          "review": {
            "$ref": "#/components/schemas/IncidentReview"
          },
          "actionItems": {
            "$ref": "#/components/schemas/IncidentActionItems"
          },
          "accessSteps": {
            "type": "array",
            "description": "Access requested for the incident and granted, by time; absent when just-in-time access is off.",
            "items": {
              "$ref": "#/components/schemas/IncidentAccessStep"
            }
          },
          "counts": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/IncidentCount"
            }
          }
        }
      },
      "IncidentsResponse": {
        "type": "object",
        "required": [
          "items",
          "totalCount"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Incident"
            }
          },
          "totalCount": {
            "type": "integer"
          }
        }
      },
      "UnmappedIncident": {
        "type": "object",
        "required": [
          "source",
          "incidentId",
          "status",
          "startedAt",
          "labels",
          "mappingKeys",
          "entityRefs"
        ],
        "properties": {
          "source": {
            "type": "string"
          },
          "incidentId": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "open",
              "mitigated",
              "resolved"
            ]
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "url": {
            "type": "string"
          },
          "labels": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "mappingKeys": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "entityRefs": {
            "type": "array",
            "description": "Refs it names that the catalog does not know.",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "UnmappedIncidentsResponse": {
        "type": "object",
        "required": [
          "items",
          "totalCount"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/UnmappedIncident"
            }
          },
          "totalCount": {
            "type": "integer"
          }
        }
      },
      "EntityMapping": {
        "type": "object",
        "required": [
          "mappingKey",
          "entityRef",
          "origin"
        ],
        "properties": {
          "mappingKey": {
            "type": "string"
          },
          "entityRef": {
            "type": "string"
          },
          "origin": {
            "type": "string",
            "enum": [
              "catalog",
              "manual"
            ]
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "createdBy": {
            "type": "string"
          }
        }
      },
      "MappingsResponse": {
        "type": "object",
        "required": [
          "items",
          "totalCount"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EntityMapping"
            }
          },
          "totalCount": {
            "type": "integer"
          }
        }
      },
      "AccessApprovalPolicy": {
        "type": "string",
        "enum": [
          "auto-on-call",
          "approver",
          "auto",
          "break-glass"
        ]
      },
      "AccessRequestStatus": {
        "type": "string",
        "description": "`pending` (waiting for approvers), `granting` (decided, the\nprovider's grant call in flight; `active` once it answered),\n`active` (granted until `expiresAt`), and the terminal `denied`,\n`expired`, `revoked` (also a withdrawn pending request), `lapsed`\n(undecided past the target's pending timeout) and `failed` (the\nprovider refused, see `error`).\n",
        "enum": [
          "pending",
          "granting",
          "active",
          "denied",
          "expired",
          "revoked",
          "lapsed",
          "failed"
        ]
      },
      "AccessTarget": {
        "type": "object",
        "required": [
          "id",
          "title",
          "maxDurationMinutes",
          "defaultDurationMinutes",
          "requireOpenIncident",
          "approval"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "maxDurationMinutes": {
            "type": "integer"
          },
          "defaultDurationMinutes": {
            "type": "integer"
          },
          "requireOpenIncident": {
            "type": "boolean"
          },
          "approval": {
            "$ref": "#/components/schemas/AccessApprovalPolicy"
          }
        }
      },
      "AccessRequest": {
        "type": "object",
        "required": [
          "id",
          "entityRef",
          "targetId",
          "requester",
          "reason",
          "durationMinutes",
          "status",
          "approval",
          "breakGlass",
          "createdAt",
          "approvals"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "entityRef": {
            "type": "string"
          },
          "targetId": {
            "type": "string"
          },
          "incident": {
            "type": "object",
            "required": [
              "source",
              "incidentId"
            ],
            "properties": {
              "source": {
                "type": "string"
              },
              "incidentId": {
                "type": "string"
              }
            }
          },
          "requester": {
            "type": "string",
            "description": "The user entity ref of the requester."
          },
          "reason": {
            "type": "string",
            "description": "Stored and returned as plain text."
          },
          "durationMinutes": {
            "type": "integer",
            "description": "Counted from the first grant (extensions included)."
          },
          "status": {
            "$ref": "#/components/schemas/AccessRequestStatus"
          },
          "approval": {
            "$ref": "#/components/schemas/AccessApprovalPolicy"
          },
          "breakGlass": {
            "type": "boolean"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "decidedAt": {
            "type": "string",
            "format": "date-time"
          },
          "grantedAt": {
            "type": "string",
            "format": "date-time"
          },
          "expiresAt": {
            "type": "string",
            "format": "date-time"
          },
          "endedAt": {
            "type": "string",
            "format": "date-time",
            "description": "When access really ended (after the provider confirmed)."
          },
          "error": {
            "type": "string"
          },
          "approvals": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "approver",
                "at"
              ],
              "properties": {
                "approver": {
                  "type": "string"
                },
                "at": {
                  "type": "string",
                  "format": "date-time"
                },
                "comment": {
                  "type": "string"
                }
              }
            }
          },
          "approvalsRequired": {
            "type": "integer"
          },
          "pendingExtension": {
            "type": "object",
            "required": [
              "durationMinutes",
              "reason",
              "requestedAt"
            ],
            "properties": {
              "durationMinutes": {
                "type": "integer"
              },
              "reason": {
                "type": "string"
              },
              "requestedAt": {
                "type": "string",
                "format": "date-time"
              }
            }
          },
          "revocation": {
            "type": "object",
            "description": "Present while an end (early revocation or expiry) has not yet been\nconfirmed by the provider. The status stays `active` (or\n`granting`, until the grant call in flight returned: the\nrevocation follows it) and the expiry task retries; `lastError`\nsays why the last attempt failed.\n",
            "required": [
              "outcome",
              "requestedAt",
              "requestedBy",
              "attempts"
            ],
            "properties": {
              "outcome": {
                "type": "string",
                "enum": [
                  "revoked",
                  "expired"
                ]
              },
              "requestedAt": {
                "type": "string",
                "format": "date-time"
              },
              "requestedBy": {
                "type": "string"
              },
              "attempts": {
                "type": "integer"
              },
              "lastError": {
                "type": "string"
              }
            }
          },
          "review": {
            "type": "object",
            "description": "Break-glass grants only.",
            "required": [
              "required"
            ],
            "properties": {
              "required": {
                "type": "boolean"
              },
              "reviewedBy": {
                "type": "string"
              },
              "reviewedAt": {
                "type": "string",
                "format": "date-time"
              },
              "comment": {
                "type": "string"
              }
            }
          },
          "viewer": {
            "type": "object",
            "description": "What the calling user may do with the request.",
            "required": [
              "canApprove",
              "canRevoke",
              "canExtend",
              "canReview"
            ],
            "properties": {
              "canApprove": {
                "type": "boolean"
              },
              "canRevoke": {
                "type": "boolean"
              },
              "canExtend": {
                "type": "boolean"
              },
              "canReview": {
                "type": "boolean"
              }
            }
          },
          "history": {
            "type": "array",
            "description": "Every state change, oldest first (detail answers only).",
            "items": {
              "type": "object",
              "required": [
                "at",
                "actor",
                "action",
                "status"
              ],
              "properties": {
                "at": {
                  "type": "string",
                  "format": "date-time"
                },
                "actor": {
                  "type": "string"
                },
                "action": {
                  "type": "string"
                },
                "status": {
                  "$ref": "#/components/schemas/AccessRequestStatus"
                },
                "comment": {
                  "type": "string"
                }
              }
            }
          }
        }
      },
      "OnCallEntry": {
        "type": "object",
        "required": [
          "name",
          "escalationLevel"
        ],
        "properties": {
          "userRef": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "escalationLevel": {
            "type": "integer"
          },
          "until": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "AccessKey": {
        "description": "An id or key, stored in a 255-character column.",
        "type": "string",
        "minLength": 1,
        "maxLength": 255
      },
      "AccessDurationMinutes": {
        "description": "Whole minutes, at most 365 days (525,600 minutes).",
        "type": "integer",
        "minimum": 1,
        "maximum": 525600
      },
      "AccessReason": {
        "description": "Why; not blank (it is stored trimmed).",
        "type": "string",
        "maxLength": 4000,
        "pattern": "\\S"
      },
      "AccessDecision": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "comment": {
            "type": "string",
            "maxLength": 4000
          }
        }
      },
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "name",
              "message"
            ],
            "properties": {
              "name": {
                "type": "string"
              },
              "message": {
                "type": "string"
              }
            }
          }
        }
      }
    },
    "responses": {
      "ErrorResponse": {
        "description": "An error.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    }
  },
  "paths": {
    "/health": {
      "get": {
        "operationId": "GetHealth",
        "description": "Liveness; needs no token.",
        "responses": {
          "200": {
            "description": "Up.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "status"
                  ],
                  "properties": {
                    "status": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "/events": {
      "post": {
        "operationId": "PostEvents",
        "tags": [
          "Events"
        ],
        "description": "Takes in up to 1,000 incident lifecycle events, all or nothing.\nService tokens only (Backstage plugins and `backend.auth.externalAccess`\nstatic tokens); user tokens get 403. The body is validated by the\nplugin (not by this document's validator) so that messages name the\nevent index and field: `events[3].at: must be ISO 8601 with an offset`.\nBodies over 5 MB get 413.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "events"
                ],
                "properties": {
                  "events": {
                    "type": "array",
                    "maxItems": 1000,
                    "items": {
                      "$ref": "#/components/schemas/IncidentEvent"
                    }
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "How many events were new, and how many were duplicates.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IngestResult"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "413": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/deployments": {
      "post": {
        "operationId": "PostDeployments",
        "tags": [
          "Deployments"
        ],
        "description": "Takes in up to 1,000 deployment status records, all or nothing, with\nthe same credentials as `POST /events` (service tokens only). The body\nis validated by the plugin so that messages name the index and field:\n`deployments[2].finishedAt: is required unless the status is failed`.\nBodies over 5 MB get 413. Every record is kept; the same\n`(source, deploymentId, at, status)` again is a duplicate.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "deployments"
                ],
                "properties": {
                  "deployments": {
                    "type": "array",
                    "maxItems": 1000,
                    "items": {
                      "$ref": "#/components/schemas/DeploymentRecord"
                    }
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "How many records were new, and how many were duplicates.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IngestResult"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "413": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "get": {
        "operationId": "GetDeployments",
        "tags": [
          "Deployments"
        ],
        "description": "An entity's deployments (every status and environment), newest first\nby `finishedAt` (else `startedAt`, else `at`), whose that time lies in\n[from, to) when given; each with whether it is live, a change failure\nunder the definition, how it was linked (explicit links first) and\nits failed-deployment recovery time. 404 when the caller cannot see\nthe entity. The rules are in docs/change-failure.md.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/entityRef"
          },
          {
            "$ref": "#/components/parameters/definition"
          },
          {
            "name": "from",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "to",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/offset"
          }
        ],
        "responses": {
          "200": {
            "description": "A page of deployments (default limit 50, at most 1,000).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeploymentsResponse"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "404": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/definitions": {
      "get": {
        "operationId": "GetDefinitions",
        "tags": [
          "Metrics"
        ],
        "description": "The configured recovery definitions and the default one.",
        "security": [
          {
            "JWT": []
          }
        ],
        "responses": {
          "200": {
            "description": "The definitions.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DefinitionsResponse"
                }
              }
            }
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "operationId": "GetMetrics",
        "tags": [
          "Metrics"
        ],
        "description": "Recovery figures of one entity under one definition, over the units\nwhose start lies in [from, to). 404 when the caller cannot see the\nentity in the catalog.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/entityRef"
          },
          {
            "$ref": "#/components/parameters/definition"
          },
          {
            "$ref": "#/components/parameters/from"
          },
          {
            "$ref": "#/components/parameters/to"
          },
          {
            "$ref": "#/components/parameters/severity"
          }
        ],
        "responses": {
          "200": {
            "description": "The figures.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/RecoveryMetrics"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "404": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/metrics/by-entity": {
      "get": {
        "operationId": "GetMetricsByEntity",
        "tags": [
          "Metrics"
        ],
        "description": "One row per entity with units in the window that the caller can see,\nwith the entity's title, kind, owner, system, lifecycle and tags from\nthe catalog. With `groupBy=owner`, one row per owning group (its\n`entityRef` is the group's ref, `entityCount` how many entities were\nrolled up); units of several of the group's entities that come from\nthe same incidents and start together count once.\nRows without a value for the sort field come last.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/definition"
          },
          {
            "$ref": "#/components/parameters/from"
          },
          {
            "$ref": "#/components/parameters/to"
          },
          {
            "$ref": "#/components/parameters/severity"
          },
          {
            "$ref": "#/components/parameters/kind"
          },
          {
            "$ref": "#/components/parameters/owner"
          },
          {
            "$ref": "#/components/parameters/system"
          },
          {
            "$ref": "#/components/parameters/lifecycle"
          },
          {
            "$ref": "#/components/parameters/tag"
          },
          {
            "$ref": "#/components/parameters/groupBy"
          },
          {
            "$ref": "#/components/parameters/search"
          },
          {
            "$ref": "#/components/parameters/changeFailureBand"
          },
          {
            "$ref": "#/components/parameters/comparisonSort"
          },
          {
            "$ref": "#/components/parameters/order"
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/offset"
          }
        ],
        "responses": {
          "200": {
            "description": "A page of rows (default limit 100, at most 1,000).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ByEntityResponse"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/metrics/comparison": {
      "get": {
        "operationId": "GetMetricsComparison",
        "tags": [
          "Metrics"
        ],
        "description": "What the comparison page shows, in one answer: a page of the rows of\n`/metrics/by-entity` (same filters, visibility and rows, each with\nits change against the previous window), filtered by `search`,\nsorted, with how many rows pass, the fleet median over them, and on\nrequest (`include=choices,points`, or `include` repeated) the filter\nchoices and the scatter's points.\n\nThe comparison of every entity is computed once per definition,\nwindow (exact `from` and `to`; without `to`, the next whole minute\nafter now), and severities, and kept: another sort, filter, search\nor page of the same window is answered from memory. Send the same\n`from` and `to` on every request of a page view (e.g. the start of\nthe current UTC day). What the caller may see is applied to every\nanswer. Units written through this backend show at once; units\nwritten by other backends on the same database after at most\n`mttr.comparison.snapshotMaxAge` (default 60 s).\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/definition"
          },
          {
            "$ref": "#/components/parameters/from"
          },
          {
            "$ref": "#/components/parameters/to"
          },
          {
            "$ref": "#/components/parameters/severity"
          },
          {
            "$ref": "#/components/parameters/kind"
          },
          {
            "$ref": "#/components/parameters/owner"
          },
          {
            "$ref": "#/components/parameters/system"
          },
          {
            "$ref": "#/components/parameters/lifecycle"
          },
          {
            "$ref": "#/components/parameters/tag"
          },
          {
            "$ref": "#/components/parameters/groupBy"
          },
          {
            "$ref": "#/components/parameters/search"
          },
          {
            "$ref": "#/components/parameters/changeFailureBand"
          },
          {
            "$ref": "#/components/parameters/comparisonSort"
          },
          {
            "$ref": "#/components/parameters/order"
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/offset"
          },
          {
            "name": "include",
            "in": "query",
            "allowReserved": true,
            "description": "What else to answer, `choices` and/or `points` (repeat the parameter or separate by commas).",
            "explode": true,
            "schema": {
              "type": "array",
              "items": {
                "type": "string",
                "pattern": "^(choices|points)(,(choices|points))*$"
              }
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of rows (default limit 50, at most 1,000).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ComparisonResponse"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/metrics/comparison.csv": {
      "get": {
        "operationId": "GetMetricsComparisonCsv",
        "tags": [
          "Metrics"
        ],
        "description": "Every row of `/metrics/comparison` (same filters, search and sort; no\npaging) as CSV, streamed: a header line, then one line per row with\ndurations in minutes, each median and p90 with its 95% interval, the\nchange with its p-value, the definition's title and the window as\nan ISO 8601 interval (`from/to`) in every line. Text a spreadsheet\nwould run as a formula gets a leading apostrophe. Downloaded as\n`mttr-comparison-<definition>-<from date>-<to date>.csv`.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/definition"
          },
          {
            "$ref": "#/components/parameters/from"
          },
          {
            "$ref": "#/components/parameters/to"
          },
          {
            "$ref": "#/components/parameters/severity"
          },
          {
            "$ref": "#/components/parameters/kind"
          },
          {
            "$ref": "#/components/parameters/owner"
          },
          {
            "$ref": "#/components/parameters/system"
          },
          {
            "$ref": "#/components/parameters/lifecycle"
          },
          {
            "$ref": "#/components/parameters/tag"
          },
          {
            "$ref": "#/components/parameters/groupBy"
          },
          {
            "$ref": "#/components/parameters/search"
          },
          {
            "$ref": "#/components/parameters/changeFailureBand"
          },
          {
            "$ref": "#/components/parameters/comparisonSort"
          },
          {
            "$ref": "#/components/parameters/order"
          }
        ],
        "responses": {
          "200": {
            "description": "The rows as CSV (UTF-8).",
            "content": {
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/metrics/series": {
      "get": {
        "operationId": "GetMetricsSeries",
        "tags": [
          "Metrics"
        ],
        "description": "The figures of one entity per UTC week (from Monday 00:00) or calendar\nmonth, clipped to [from, to): the first and last bucket may be partial.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/entityRef"
          },
          {
            "$ref": "#/components/parameters/definition"
          },
          {
            "$ref": "#/components/parameters/from"
          },
          {
            "$ref": "#/components/parameters/to"
          },
          {
            "$ref": "#/components/parameters/severity"
          },
          {
            "name": "bucket",
            "in": "query",
            "description": "Default `week`.",
            "schema": {
              "type": "string",
              "enum": [
                "week",
                "month"
              ]
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One item per bucket, oldest first.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MetricsSeriesResponse"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "404": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/metrics/levers": {
      "get": {
        "operationId": "GetMetricsLevers",
        "tags": [
          "Metrics"
        ],
        "description": "The levers of recovery of one entity under one definition and window\n(post-incident reviews, drills, automation, time to access), with\nthe incidents due a review that have none published in time, latest\nrecovery first. 404 when the caller cannot see the entity.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/entityRef"
          },
          {
            "$ref": "#/components/parameters/definition"
          },
          {
            "$ref": "#/components/parameters/from"
          },
          {
            "$ref": "#/components/parameters/to"
          }
        ],
        "responses": {
          "200": {
            "description": "The levers.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LeversResponse"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "404": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/incidents": {
      "get": {
        "operationId": "GetIncidents",
        "tags": [
          "Incidents"
        ],
        "description": "Incidents, newest first, with their timeline and what each definition\ncounts for them. With `entityRef`, that entity's incidents (404 when\nthe caller cannot see it); without, the incidents of every entity the\ncaller can see. `from`/`to` select incidents that started in the\nwindow (no default window); `status` may be repeated.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "name": "entityRef",
            "in": "query",
            "allowReserved": true,
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/from"
          },
          {
            "$ref": "#/components/parameters/to"
          },
          {
            "name": "status",
            "in": "query",
            "explode": true,
            "schema": {
              "type": "array",
              "items": {
                "type": "string",
                "enum": [
                  "open",
                  "mitigated",
                  "resolved"
                ]
              }
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/offset"
          }
        ],
        "responses": {
          "200": {
            "description": "A page of incidents (default limit 50, at most 1,000).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IncidentsResponse"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "404": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/incidents/unmapped": {
      "get": {
        "operationId": "GetUnmappedIncidents",
        "tags": [
          "Mappings"
        ],
        "description": "Incidents that count for no entity the catalog knows (they name none,\nor only unknown ones), newest first, with the labels, mapping keys and\nrefs they carry. Needs `mttr.mappings.manage` and a user token.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/offset"
          }
        ],
        "responses": {
          "200": {
            "description": "A page (default limit 50).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UnmappedIncidentsResponse"
                }
              }
            }
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/mappings": {
      "get": {
        "operationId": "GetMappings",
        "tags": [
          "Mappings"
        ],
        "description": "Mappings from mapping keys to entities: `catalog` ones come from\nentity annotations (read-only here), `manual` ones are stored by\nadmins. Needs `mttr.mappings.manage` and a user token.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "name": "origin",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "catalog",
                "manual"
              ]
            }
          },
          {
            "name": "mappingKey",
            "in": "query",
            "allowReserved": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "entityRef",
            "in": "query",
            "allowReserved": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/offset"
          }
        ],
        "responses": {
          "200": {
            "description": "A page (default limit 100).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MappingsResponse"
                }
              }
            }
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "put": {
        "operationId": "PutMapping",
        "tags": [
          "Mappings"
        ],
        "description": "Maps a key to an entity (`manual`); incidents carrying the key count\nfor the entity at once. Idempotent. Needs `mttr.mappings.manage`\nand a user token (service tokens get 403).\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "mappingKey",
                  "entityRef"
                ],
                "additionalProperties": false,
                "properties": {
                  "mappingKey": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 255
                  },
                  "entityRef": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The stored mapping.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EntityMapping"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "delete": {
        "operationId": "DeleteMapping",
        "tags": [
          "Mappings"
        ],
        "description": "Removes a manual mapping. Needs `mttr.mappings.manage` and a user token.",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "name": "mappingKey",
            "in": "query",
            "allowReserved": true,
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "entityRef",
            "in": "query",
            "allowReserved": true,
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "204": {
            "description": "Removed."
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "404": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/access-targets": {
      "get": {
        "operationId": "GetAccessTargets",
        "tags": [
          "Access"
        ],
        "description": "The access targets that apply to an entity: those configured under\n`mttr.access.targets` and listed in its `mttr.dev/access-targets`\nannotation. Provider settings are never returned.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/entityRef"
          }
        ],
        "responses": {
          "200": {
            "description": "The targets.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/AccessTarget"
                      }
                    }
                  }
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/on-call": {
      "get": {
        "operationId": "GetOnCall",
        "tags": [
          "Access"
        ],
        "description": "Who is on call for the entity now, first responders first.",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/entityRef"
          }
        ],
        "responses": {
          "200": {
            "description": "The on-call entries (empty when nobody is known).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/OnCallEntry"
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "/access-requests": {
      "get": {
        "operationId": "ListAccessRequests",
        "tags": [
          "Access"
        ],
        "description": "Access requests, newest first, of entities the caller can see, a\npage at a time (`limit`, `offset`; fewer than `limit` items means\nthe last page). `mine=true`: the caller's own; `toApprove=true`:\nthose the caller may decide now (pending requests and pending\nextensions).\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "name": "entityRef",
            "in": "query",
            "allowReserved": true,
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "status",
            "in": "query",
            "description": "Comma-separated statuses, e.g. `pending,active` (spaces around\neach allowed; empty means all). The statuses are those of\n`AccessRequestStatus` (a test keeps the two lists the same).\n",
            "required": false,
            "schema": {
              "type": "string",
              "pattern": "^(\\s*(pending|granting|active|denied|expired|revoked|lapsed|failed)\\s*(,\\s*(pending|granting|active|denied|expired|revoked|lapsed|failed)\\s*)*)?$"
            }
          },
          {
            "name": "mine",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "enum": [
                "true",
                "false"
              ]
            }
          },
          {
            "name": "toApprove",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "enum": [
                "true",
                "false"
              ]
            }
          },
          {
            "name": "limit",
            "in": "query",
            "description": "Decimal digits only; default 200, at most 200.",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 200
            }
          },
          {
            "$ref": "#/components/parameters/offset"
          }
        ],
        "responses": {
          "200": {
            "description": "The requests.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/AccessRequest"
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "CreateAccessRequest",
        "tags": [
          "Access"
        ],
        "description": "Requests access to a target of an entity, user tokens only. The target\nmust be listed in the entity's annotation (else 400), the duration at\nmost the target's maximum (else 400 naming it), the reason not blank,\nand the caller must hold `mttr.access.request` on the entity (else\n403). A target with `requireOpenIncident` needs an open incident of\nthe entity (the given one must be open). The target's policy decides:\n`auto` and `break-glass` answer `active`; `auto-on-call` answers\n`active` when the caller is on call for this entity (at an allowed\nescalation level) and it has an open incident, else `pending`;\n`approver` answers `pending`. A granted request is `active` once the\nprovider answered the grant call (`failed` if it refused); it is\n`granting` in between, which this answer shows only when the grant\ncall was taken over by another replica, and an end asked for\nmeanwhile (`revoked`) is answered as committed.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "entityRef",
                  "targetId",
                  "durationMinutes",
                  "reason"
                ],
                "properties": {
                  "entityRef": {
                    "type": "string",
                    "description": "An entity ref of at most 255 characters."
                  },
                  "targetId": {
                    "$ref": "#/components/schemas/AccessKey"
                  },
                  "incident": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": [
                      "source",
                      "incidentId"
                    ],
                    "properties": {
                      "source": {
                        "$ref": "#/components/schemas/AccessKey"
                      },
                      "incidentId": {
                        "$ref": "#/components/schemas/AccessKey"
                      }
                    }
                  },
                  "durationMinutes": {
                    "$ref": "#/components/schemas/AccessDurationMinutes"
                  },
                  "reason": {
                    "$ref": "#/components/schemas/AccessReason"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The request, with its history.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AccessRequest"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "404": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/access-requests/{id}": {
      "get": {
        "operationId": "GetAccessRequest",
        "tags": [
          "Access"
        ],
        "description": "One request with its approvals and full history.",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The request.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AccessRequest"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/access-requests/{id}/approve": {
      "post": {
        "operationId": "ApproveAccessRequest",
        "tags": [
          "Access"
        ],
        "description": "Approves a pending request (or a pending extension). Approvers are the\nmembers of the entity's owning group and holders of\n`mttr.access.approve`, never the requester (403). A request that is\nno longer pending, or a grant that has expired, answers 409; of two\napprovers deciding at once exactly one wins, the other gets 409. With\n`approvals: N` the request becomes active at the N-th distinct\napprover.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AccessDecision"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The request after the approval.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AccessRequest"
                }
              }
            }
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "404": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "409": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/access-requests/{id}/deny": {
      "post": {
        "operationId": "DenyAccessRequest",
        "tags": [
          "Access"
        ],
        "description": "Denies a pending request or a pending extension; same rules as approve.",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AccessDecision"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The request after the denial.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AccessRequest"
                }
              }
            }
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "409": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/access-requests/{id}/revoke": {
      "post": {
        "operationId": "RevokeAccessRequest",
        "tags": [
          "Access"
        ],
        "description": "Ends access early, by the requester or an approver. A pending request\nis withdrawn (`revoked`). An active grant is revoked through its\nprovider; the status becomes `revoked` with `endedAt` once the\nprovider confirmed. If it fails, the request stays `active` with\n`revocation.lastError` and the expiry task retries until it succeeds.\nA `granting` request is revoked right after its grant call returned\n(never before, so the target sees the grant first); the answer waits\nfor that. When another replica's grant or revocation of the request\nhas not committed within `mttr.access.revocationLease`, it answers\n409; the end goes on and a later GET shows it.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AccessDecision"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The request after the revocation.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AccessRequest"
                }
              }
            }
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "409": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/access-requests/{id}/extend": {
      "post": {
        "operationId": "ExtendAccessRequest",
        "tags": [
          "Access"
        ],
        "description": "Asks for a longer end of an active grant, by its requester:\n`durationMinutes` is the new total counted from the first grant, at\nmost the target's maximum (400 naming it). Decided by the target's\npolicy again: at once, or as a pending extension for approvers. An\nexpired grant cannot be extended (409): a new request is needed.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "durationMinutes",
                  "reason"
                ],
                "properties": {
                  "durationMinutes": {
                    "$ref": "#/components/schemas/AccessDurationMinutes"
                  },
                  "reason": {
                    "$ref": "#/components/schemas/AccessReason"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The request after the extension (or with a pending one).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AccessRequest"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "409": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/access-requests/{id}/review": {
      "post": {
        "operationId": "ReviewAccessRequest",
        "tags": [
          "Access"
        ],
        "description": "An owner's review of a break-glass grant after the fact (approvers\nonly, not the requester; 409 when already reviewed).\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AccessDecision"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The reviewed request.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AccessRequest"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          },
          "409": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/access-audit/verify": {
      "get": {
        "operationId": "VerifyAccessAudit",
        "tags": [
          "Access"
        ],
        "description": "Walks the append-only audit trail of access events, a hash chain\n(each event's hash is sha256 over the previous hash and the event's\nRFC 8785 canonical JSON, or for events written before version 2 the\nfirst format), a page at a time, and reports the first broken link:\na changed event breaks its own hash, a deleted one leaves a gap, and\ndeleted newest events leave the chain short of its head pointer\n(kept in a table of its own). Needs the `mttr.access.audit`\npermission (403 otherwise). 404 when access is not configured.\n",
        "security": [
          {
            "JWT": []
          }
        ],
        "responses": {
          "200": {
            "description": "The verdict.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "ok",
                    "checked"
                  ],
                  "properties": {
                    "ok": {
                      "type": "boolean"
                    },
                    "checked": {
                      "type": "integer"
                    },
                    "firstBroken": {
                      "type": "object",
                      "required": [
                        "seq",
                        "reason"
                      ],
                      "properties": {
                        "seq": {
                          "type": "integer"
                        },
                        "eventId": {
                          "type": "string"
                        },
                        "reason": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "403": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    }
  }
} as const;

export type MttrApiSpec = typeof spec;
