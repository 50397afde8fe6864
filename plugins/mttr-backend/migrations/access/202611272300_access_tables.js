// @ts-check

/**
 * Tables of the just-in-time access feature, in its own migrations
 * (`mttr_access_knex_migrations`), run only when `mttr.access` is
 * configured.
 *
 * Databases set up before access had its own migrations got these tables
 * from the plugin's shared migrations (the same file names in
 * migrations/, recorded in `knex_migrations`): each table is created only
 * when it is missing, so that those databases keep their rows.
 *
 * Times are epoch milliseconds (UTC) in bigint columns: the same on SQLite, PostgreSQL and MySQL.
 * `access_events` is the append-only audit trail, a hash chain over `seq`.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (!(await knex.schema.hasTable('access_requests'))) {
    await knex.schema.createTable('access_requests', table => {
      table.string('id', 36).primary();
      table.string('entity_ref', 255).notNullable().index();
      table.string('target_id', 255).notNullable();
      table.string('incident_source', 255).nullable();
      table.string('incident_id', 255).nullable();
      table.string('requester', 255).notNullable().index();
      table.text('reason').notNullable();
      table.integer('duration_minutes').notNullable();
      table.string('status', 16).notNullable().index();
      table.string('approval', 16).notNullable();
      table.boolean('break_glass').notNullable().defaultTo(false);
      table.integer('approvals_required').notNullable().defaultTo(1);
      // Decision rounds: 0 is the request itself, each extension asked for
      // while active opens the next one. Approvals count per round.
      table.integer('round').notNullable().defaultTo(0);
      table.integer('approvals_count').notNullable().defaultTo(0);
      table.bigInteger('created_at').notNullable();
      table.bigInteger('pending_until').nullable();
      table.bigInteger('decided_at').nullable();
      table.bigInteger('granted_at').nullable();
      table.bigInteger('expires_at').nullable();
      table.bigInteger('ended_at').nullable();
      table.text('error').nullable();
      table.integer('ext_duration_minutes').nullable();
      table.text('ext_reason').nullable();
      table.bigInteger('ext_requested_at').nullable();
      table.string('revoke_outcome', 16).nullable();
      table.bigInteger('revoke_requested_at').nullable();
      table.string('revoke_requested_by', 255).nullable();
      table.integer('revoke_attempts').notNullable().defaultTo(0);
      table.bigInteger('revoke_claimed_until').nullable();
      table.string('reviewed_by', 255).nullable();
      table.bigInteger('reviewed_at').nullable();
      table.text('review_comment').nullable();
    });
  }

  if (!(await knex.schema.hasTable('access_approvals'))) {
    await knex.schema.createTable('access_approvals', table => {
      table.string('request_id', 36).notNullable();
      table.integer('round').notNullable();
      table.string('approver', 255).notNullable();
      table.bigInteger('at').notNullable();
      table.text('comment').nullable();
      table.primary(['request_id', 'round', 'approver']);
    });
  }

  if (!(await knex.schema.hasTable('access_grants'))) {
    await knex.schema.createTable('access_grants', table => {
      table.string('request_id', 36).primary();
      table.string('provider', 255).notNullable();
      table.string('grant_id', 255).notNullable();
      table.text('details').nullable();
      table.bigInteger('granted_at').notNullable();
      table.bigInteger('expires_at').notNullable();
      table.bigInteger('revoked_at').nullable();
    });
  }

  if (!(await knex.schema.hasTable('access_events'))) {
    await knex.schema.createTable('access_events', table => {
      // The chain position; unique, so that the chain cannot fork even if
      // two writers got past the head row's lock.
      table.integer('seq').primary();
      table.string('id', 36).notNullable().unique();
      table.string('request_id', 36).nullable().index();
      table.bigInteger('at').notNullable();
      table.string('actor', 255).notNullable();
      table.string('action', 64).notNullable();
      table.string('status', 16).nullable();
      table.text('comment').nullable();
      table.text('details').nullable();
      table.string('prev_hash', 64).notNullable();
      table.string('hash', 64).notNullable();
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('access_events');
  await knex.schema.dropTableIfExists('access_grants');
  await knex.schema.dropTableIfExists('access_approvals');
  await knex.schema.dropTableIfExists('access_requests');
};
