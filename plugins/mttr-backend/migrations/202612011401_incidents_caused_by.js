/*
 * The deployment an incident names in its `causedBy` attribute (latest value
 * wins, like every attribute), derived from the events like the incident's
 * other columns: the explicit links of the change failure rules are found
 * by it. Incidents stored before have no `causedBy` (events did not accept
 * it), so the columns start empty.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mttr_incidents', table => {
    table.string('caused_by_source', 255).nullable();
    table.string('caused_by_deployment_id', 255).nullable();
    table.index(
      ['caused_by_source', 'caused_by_deployment_id'],
      'mttr_incidents_caused_by_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mttr_incidents', table => {
    table.dropIndex(
      ['caused_by_source', 'caused_by_deployment_id'],
      'mttr_incidents_caused_by_idx',
    );
  });
  await knex.schema.alterTable('mttr_incidents', table => {
    table.dropColumn('caused_by_source');
    table.dropColumn('caused_by_deployment_id');
  });
};
