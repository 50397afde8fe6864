/*
 * The levers of recovery in the demo history: post-incident reviews and
 * their action items, game days, and incidents closed by automation. Each
 * is an `updated` event on a generated incident (attributes only, no
 * lifecycle step), sent at the moment it happened: a review is scheduled
 * after the recovery and published days later, its action items are done
 * weeks after that. Seeded per incident, so the same moment gives the same
 * events and a later one the same plus newer ones.
 */
import {
  IncidentAttributes,
  IncidentEvent,
} from '@mttr-backstage/plugin-mttr-common';
import { completedIncidents, DEMO_SOURCE, DemoIncident } from './demoHistory';
import { hash, pick, poisson, prng } from './seededRandom';
import { SERVICES, ServiceProfile } from './serviceProfiles';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The labels the demo's drills and automated recoveries carry. */
export const GAME_DAY_LABEL = 'game-day';
export const AUTOMATION_LABEL = 'auto-remediated';

/** The severities whose incidents get a post-incident review. */
const REVIEWED_SEVERITIES = new Set(['sev1', 'sev2']);

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.round(ms / 1000) * 1000;

/** The lever events of one incident, whenever they happen. */
function leverEvents(
  service: ServiceProfile,
  incident: DemoIncident,
): IncidentEvent[] {
  const random = prng(hash(`levers/${incident.id}`));
  const events: IncidentEvent[] = [];
  const add = (suffix: string, at: number, attributes: IncidentAttributes) =>
    events.push({
      source: DEMO_SOURCE,
      incidentId: incident.id,
      eventId: `${incident.id}-${suffix}`,
      type: 'updated',
      at: iso(seconds(at)),
      incident: attributes,
    });
  const { levers } = service;
  const drill = incident.labels.includes('drill');
  const flapping = incident.labels.includes('flapping');
  const durationMs = incident.resolvedMs - incident.startMs;

  // A game day is a drill the team planned as one: relabelled a second
  // after the drill starts (after its trigger, whatever the tie-breaks).
  const gameDay = random() < levers.gameDayChance;
  if (drill && gameDay) {
    add('game-day', incident.startMs + 1000, { labels: [GAME_DAY_LABEL] });
  }

  // The runbook automation closes the quick, common failures: labelled
  // when it resolves them (never a sev1, a reopened incident or a flap).
  const automated = random() < levers.automationChance;
  if (
    automated &&
    !drill &&
    !flapping &&
    !incident.reopened &&
    incident.severity !== 'sev1' &&
    durationMs < service.medianMinutes * MINUTE
  ) {
    add('automation', incident.resolvedMs, { labels: [AUTOMATION_LABEL] });
  }

  const outcome = pick(random, levers.reviews);
  const scheduledAfterMs = (1 + random() * 3) * HOUR;
  const draftAfterMs = (1 + random() * 2) * DAY;
  // Within the week the review is due in, or one to three weeks late.
  const publishedAfterMs =
    outcome === 'late' ? (8 + random() * 14) * DAY : (0.5 + random() * 6) * DAY;
  const items = 1 + poisson(random, Math.max(0, levers.actionItems - 1));
  const doneAfterMs = (5 + random() * 30) * DAY;
  const stillOpen = Math.floor(items * random() * 0.6);
  if (drill || flapping || !REVIEWED_SEVERITIES.has(incident.severity)) {
    return events;
  }
  if (outcome === 'none') {
    return events;
  }
  // From the last recovery of the incident (a reopen moves it).
  const recoveredMs = incident.completeAt;
  const url = `https://docs.example.com/incident-reviews/${incident.id}`;
  add('review-scheduled', recoveredMs + scheduledAfterMs, {
    review: { url, status: 'scheduled' },
  });
  if (outcome === 'scheduled') {
    return events;
  }
  add('review-draft', recoveredMs + draftAfterMs, {
    review: { url, status: 'draft' },
    actionItems: { open: items, done: 0 },
  });
  if (outcome === 'draft') {
    return events;
  }
  const publishedMs = seconds(
    recoveredMs + Math.max(publishedAfterMs, draftAfterMs + HOUR),
  );
  add('review-published', publishedMs, {
    review: { url, status: 'published', publishedAt: iso(publishedMs) },
  });
  add('action-items-done', publishedMs + doneAfterMs, {
    actionItems: { open: stillOpen, done: items - stillOpen },
  });
  return events;
}

/**
 * The lever events of the demo history that have happened by `nowMs`, by
 * time.
 */
export function demoLeverEvents(nowMs: number): IncidentEvent[] {
  const byName = new Map(SERVICES.map(s => [s.name, s]));
  return completedIncidents(nowMs)
    .flatMap(incident => {
      const service = incident.service && byName.get(incident.service);
      return service ? leverEvents(service, incident) : [];
    })
    .filter(e => Date.parse(e.at) <= nowMs)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
