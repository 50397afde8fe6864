// @ts-check

/**
 * Per-grant revocation leases, so that any replica can finish a revocation
 * that another replica started and could not finish (it died, even in the
 * middle of the provider call). `revoke_claimed_until` (from the access
 * tables' migration) is the lease's end; this adds who holds it, so that
 * only the holder renews it while its provider call is in flight, and an
 * index for the expiry workers' frequent look for due grants.
 *
 * Skipped when the column is there already (a database migrated by the
 * plugin's shared migrations before access had its own).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (await knex.schema.hasColumn('access_requests', 'revoke_lease_owner')) {
    return;
  }
  await knex.schema.alterTable('access_requests', table => {
    table.string('revoke_lease_owner', 64).nullable();
    table.index(['status', 'expires_at'], 'access_requests_status_expires_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('access_requests', table => {
    table.dropIndex(
      ['status', 'expires_at'],
      'access_requests_status_expires_idx',
    );
    table.dropColumn('revoke_lease_owner');
  });
};
