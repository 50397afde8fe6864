// @ts-check

/**
 * Moved to migrations/access/202612010900_access_grant_leases.js, the access
 * feature's own migrations (table `mttr_access_knex_migrations`), which run
 * only when `mttr.access` is configured.
 *
 * Kept, doing nothing, because databases migrated before the move have this
 * name in `knex_migrations` (knex refuses a directory that lacks a migration
 * it applied). On those databases the grant lease columns exist already, and
 * the access migration of the same name finds them and leaves them as they
 * are.
 *
 * @param {import('knex').Knex} _knex
 */
exports.up = async function up(_knex) {};

/**
 * Nothing to undo here: the access migrations own these tables now.
 *
 * @param {import('knex').Knex} _knex
 */
exports.down = async function down(_knex) {};
