import {
  DeploymentFigures,
  RecoveryLevers,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';

/*
 * How the card and the comparison word the deployment figures and the
 * levers. Nothing is computed here: the backend answers every count, rate
 * and median; these helpers only turn them into text, each rate with the
 * counts it is made of.
 */

/**
 * "12%", or with one decimal below 10% ("5.6%", "4%"), where the elite and
 * high bounds (5%, 10%) lie and a whole percent would blur them; "–" for
 * none.
 */
export function formatChangeFailureRate(rate: number | null): string {
  if (rate === null) {
    return '–';
  }
  const percent = rate * 100;
  if (percent >= 10) {
    return `${Math.round(percent)}%`;
  }
  // 1 of 18 = 5.555...%: "5.6%"; 1 of 20 = 5%: "5%", not "5.0%"
  return `${Number(percent.toFixed(1))}%`;
}

/** "3 of 25 deployments", "0 of 1 deployment". */
export function describeChangeFailures(d: DeploymentFigures): string {
  return `${d.changeFailures} of ${d.count} ${
    d.count === 1 ? 'deployment' : 'deployments'
  }`;
}

/**
 * The median failed-deployment recovery time with how many recoveries it
 * is the median of: "41m (2 recovered, 1 open)"; "none recovered (1 open)"
 * when no change failure has recovered yet.
 */
export function describeFailedDeploymentRecovery(
  recovery: DeploymentFigures['recovery'],
): string {
  const open = recovery.open ? `, ${recovery.open} open` : '';
  if (recovery.medianMs === null) {
    return `none recovered (${recovery.open} open)`;
  }
  return `${formatDuration(recovery.medianMs)} (${
    recovery.recovered
  } recovered${open})`;
}

/**
 * How the change failures were linked to their deployments, each counted
 * once under the first rule that applies: "1 named by an incident, 1
 * rolled back, 1 by the link window". Kinds with none are left out.
 */
export function describeLinks(linkedBy: DeploymentFigures['linkedBy']): string {
  const parts = [
    linkedBy.explicit ? `${linkedBy.explicit} named by an incident` : '',
    linkedBy.rollback ? `${linkedBy.rollback} rolled back` : '',
    linkedBy.window ? `${linkedBy.window} by the link window` : '',
  ].filter(Boolean);
  return parts.join(', ');
}

/** "4 of 5 due (80%)": reviews published in time of the incidents due one. */
export function describeReviewCoverage(
  reviews: RecoveryLevers['reviews'],
): string {
  const coverage =
    reviews.coverage === null
      ? ''
      : ` (${Math.round(reviews.coverage * 100)}%)`;
  return `${reviews.published} of ${reviews.due} due${coverage}`;
}

/** "6m 30s (4 incidents)": the median time to access and its sample. */
export function describeTimeToAccess(access: RecoveryLevers['access']): string {
  return `${formatDuration(access.medianTimeToAccessMs)} (${
    access.incidentsWithAccess
  } ${access.incidentsWithAccess === 1 ? 'incident' : 'incidents'})`;
}

/** What the change failure rate and its recovery time count, for tooltips. */
export const CHANGE_FAILURE_DEFINITION =
  'Change failure rate: change failures / live deployments to a counted environment finished in the window. A deployment is a change failure when an incident names it (causedBy), when it was rolled back, or when an incident of its entity started within the link window after it and it was the latest deployment before that incident. Recovery: the median failed-deployment recovery time, from the deployment going live to the recovery of its last linked incident (or its rollback), over the change failures that recovered.';

/** What review coverage and time to access count, for tooltips. */
export const LEVERS_DEFINITION =
  'Reviews: of the incidents due a post-incident review (recovered in the window, at a reviewed severity), those whose review was published in time. Time to access: the median, over the incidents with a granted just-in-time access request, from the incident’s start to the first grant.';
