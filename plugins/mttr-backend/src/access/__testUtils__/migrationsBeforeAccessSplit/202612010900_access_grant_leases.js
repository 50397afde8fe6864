// @ts-check

/**
 * Grant leases: who is calling the provider to grant (or extend) a request,
 * and until when. A request is `granting` from its decision until the
 * provider's grant call returned; a revocation is not sent while a live
 * grant lease is held, so that a revoke handled by another replica cannot
 * reach the target before the grant does. When the holder dies, its lease
 * lapses and any replica finishes the grant (same idempotency key) or
 * revokes it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('access_requests', table => {
    table.string('grant_lease_owner', 64).nullable();
    table.bigInteger('grant_claimed_until').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('access_requests', table => {
    table.dropColumn('grant_claimed_until');
    table.dropColumn('grant_lease_owner');
  });
};
