// @ts-check

/**
 * Where the PagerDuty sync resumes: one JSON row per sync, so that a run cut
 * short (restart, PagerDuty outage) continues from its last complete page.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mttr_pagerduty_sync_state', table => {
    table.comment('Resume points of the mttr PagerDuty incident sync');
    table
      .string('id', 64)
      .primary()
      .notNullable()
      .comment('Which sync the state belongs to, e.g. incidents');
    table.text('state').notNullable().comment('The resume point, as JSON');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .comment('When the state was last written');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mttr_pagerduty_sync_state');
};
