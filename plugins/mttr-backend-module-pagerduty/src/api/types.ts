/**
 * The parts of PagerDuty's REST API v2 and webhook v3 payloads the module
 * reads. Everything else in those payloads is ignored.
 */

export interface PagerDutyReference {
  id: string;
  type?: string;
  summary?: string;
  html_url?: string;
}

export interface PagerDutyPriority extends PagerDutyReference {
  name?: string;
}

export interface PagerDutyIncident {
  id: string;
  type?: string;
  title?: string;
  summary?: string;
  status?: 'triggered' | 'acknowledged' | 'resolved' | string;
  incident_key?: string | null;
  created_at: string;
  html_url?: string;
  urgency?: string;
  service?: PagerDutyReference;
  priority?: PagerDutyPriority | null;
}

export interface PagerDutyLogEntry {
  id: string;
  type: string;
  created_at: string;
  summary?: string;
  channel?: {
    type?: string;
    summary?: string;
    new_priority?: PagerDutyPriority | null;
    old_priority?: PagerDutyPriority | null;
  };
}

/** A classic-pagination page: `GET /incidents`, `GET /.../log_entries`. */
export interface PagerDutyPage {
  limit?: number;
  offset?: number;
  more?: boolean;
}

export interface PagerDutyService {
  id: string;
  escalation_policy?: PagerDutyReference;
}

export interface PagerDutyOnCall {
  escalation_level: number;
  end?: string | null;
  user?: {
    id: string;
    summary?: string;
    name?: string;
    email?: string;
  };
}

/** One webhook v3 delivery. */
export interface PagerDutyWebhookEvent {
  id: string;
  event_type: string;
  resource_type?: string;
  occurred_at: string;
  data: Record<string, unknown>;
}
