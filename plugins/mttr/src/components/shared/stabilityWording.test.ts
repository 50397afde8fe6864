import {
  emptyDeploymentFigures,
  emptyLevers,
} from '@mttr-backstage/plugin-mttr-common';
import {
  describeChangeFailures,
  describeFailedDeploymentRecovery,
  describeLinks,
  describeReviewCoverage,
  describeTimeToAccess,
  formatChangeFailureRate,
} from './stabilityWording';

describe('the wording of deployment figures and levers', () => {
  it('writes a change failure rate with one decimal below 10%, where the elite and high bounds lie', () => {
    // 1 of 18 = 5.555...%: above the elite bound of 5%, so not "6%" nor "5%"
    expect(formatChangeFailureRate(1 / 18)).toBe('5.6%');
    // 1 of 20 = 5% exactly: no trailing ".0"
    expect(formatChangeFailureRate(1 / 20)).toBe('5%');
    // 3 of 25 = 12%
    expect(formatChangeFailureRate(3 / 25)).toBe('12%');
    expect(formatChangeFailureRate(0)).toBe('0%');
    expect(formatChangeFailureRate(null)).toBe('–');
  });

  it('puts the counts beside every rate and median', () => {
    expect(
      describeChangeFailures({
        ...emptyDeploymentFigures(),
        count: 1,
        changeFailures: 0,
      }),
    ).toBe('0 of 1 deployment');
    expect(
      describeFailedDeploymentRecovery({
        ...emptyDeploymentFigures().recovery,
        recovered: 3,
        medianMs: 41 * 60_000,
      }),
    ).toBe('41m (3 recovered)');
    expect(
      describeReviewCoverage({
        ...emptyLevers().reviews,
        due: 3,
        published: 1,
        coverage: 1 / 3,
      }),
    ).toBe('1 of 3 due (33%)');
    expect(
      describeTimeToAccess({
        incidentsWithAccess: 2,
        medianTimeToAccessMs: 90 * 60_000,
        breakGlass: 0,
      }),
    ).toBe('1h 30m (2 incidents)');
  });

  it('names only the kinds of link that linked a change failure', () => {
    expect(describeLinks({ explicit: 2, rollback: 0, window: 1 })).toBe(
      '2 named by an incident, 1 by the link window',
    );
    expect(describeLinks({ explicit: 0, rollback: 0, window: 0 })).toBe('');
  });
});
