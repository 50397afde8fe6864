// Each workspace package has its own .eslintrc.js built from the Backstage
// rules (@backstage/cli/config/eslint-factory); `npm run lint` runs them all
// and they inherit the settings below.
module.exports = {
  root: true,
  settings: {
    // The Backstage rules include eslint-plugin-jest, which looks for an
    // installed jest to pick its rules. The tests run on vitest, whose API
    // matches Jest 29's for what the rules check.
    jest: { version: 29 },
  },
};
