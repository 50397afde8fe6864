/*
 * Deployments (issue 12: change failure rate and failed-deployment recovery
 * time).
 *
 * mttr_deployment_records is the append-only truth: every status record as
 * received, once (the same source, deployment id, `at` and status again is
 * a duplicate). mttr_deployments and mttr_deployment_entities are derived
 * from it and can be rebuilt: per deployment, its latest record (by `at`;
 * of records with the same `at`, the one received last, i.e. the greatest
 * id), and the entities it changed.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mttr_deployment_records', table => {
    table.comment('Every deployment status record as received (append-only)');
    table.bigIncrements('id').primary();
    table.string('source', 255).notNullable();
    table.string('deployment_id', 255).notNullable();
    table
      .string('record_key', 64)
      .notNullable()
      .comment('SHA-1 of deployment id, at and status: what makes a duplicate');
    table
      .bigInteger('at_ms')
      .notNullable()
      .comment('Record time, epoch ms UTC');
    table.string('status', 16).notNullable();
    table
      .bigInteger('received_at_ms')
      .notNullable()
      .comment('When the backend stored it, epoch ms UTC');
    table
      .text('record', 'mediumtext')
      .notNullable()
      .comment('The record as validated, JSON');
    table.unique(['source', 'record_key'], {
      indexName: 'mttr_deployment_records_uq',
    });
    table.index(
      ['source', 'deployment_id'],
      'mttr_deployment_records_deployment_idx',
    );
  });

  await knex.schema.createTable('mttr_deployments', table => {
    table.comment('The state of each deployment: its latest record, derived');
    table.string('source', 255).notNullable();
    table.string('deployment_id', 255).notNullable();
    table.primary(['source', 'deployment_id']);
    table.string('status', 16).notNullable();
    table.string('environment', 255).notNullable();
    table.bigInteger('at_ms').notNullable();
    table.bigInteger('finished_ms').nullable();
    table
      .bigInteger('time_ms')
      .notNullable()
      .comment('finishedAt, else startedAt, else at: the listing order');
    table.string('rollback_of', 255).nullable();
    table
      .text('entity_refs')
      .notNullable()
      .comment('Normalised entity refs, JSON list');
    table
      .text('record', 'mediumtext')
      .notNullable()
      .comment('The winning record, JSON');
    table.index(['source', 'rollback_of'], 'mttr_deployments_rollback_idx');
    table.index(['finished_ms'], 'mttr_deployments_finished_idx');
  });

  await knex.schema.createTable('mttr_deployment_entities', table => {
    table.comment('The entities each deployment changed, derived');
    table.string('source', 255).notNullable();
    table.string('deployment_id', 255).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.bigInteger('finished_ms').nullable();
    table.bigInteger('time_ms').notNullable();
    table.primary(['source', 'deployment_id', 'entity_ref']);
    table.index(
      ['entity_ref', 'finished_ms'],
      'mttr_deployment_entities_finished_idx',
    );
    table.index(['entity_ref', 'time_ms'], 'mttr_deployment_entities_time_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mttr_deployment_entities');
  await knex.schema.dropTable('mttr_deployments');
  await knex.schema.dropTable('mttr_deployment_records');
};
