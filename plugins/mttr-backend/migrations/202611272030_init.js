/*
 * The mttr store.
 *
 * mttr_events is the append-only truth: every event as received. Everything
 * else is derived from it and can be rebuilt: the state of each incident, the
 * entities it counts for, and the recovery units each definition measures.
 *
 * Times are epoch milliseconds (UTC) in bigint columns, so that every engine
 * compares and sorts them the same way.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mttr_events', table => {
    table.comment('Every incident event as received (append-only)');
    table.bigIncrements('id').primary();
    table.string('source', 255).notNullable();
    table.string('event_id', 255).notNullable();
    table.string('incident_id', 255).notNullable();
    table.string('type', 16).notNullable();
    table.bigInteger('at_ms').notNullable().comment('Event time, epoch ms UTC');
    table
      .bigInteger('received_at_ms')
      .notNullable()
      .comment('When the backend stored it, epoch ms UTC');
    table
      .text('attributes', 'mediumtext')
      .nullable()
      .comment('The incident attributes, JSON');
    table.unique(['source', 'event_id'], { indexName: 'mttr_events_event_uq' });
    table.index(['source', 'incident_id'], 'mttr_events_incident_idx');
  });

  await knex.schema.createTable('mttr_incidents', table => {
    table.comment('The state of each incident, derived from all its events');
    table.string('source', 255).notNullable();
    table.string('incident_id', 255).notNullable();
    table.primary(['source', 'incident_id']);
    table.string('status', 16).notNullable();
    table.string('severity', 8).nullable();
    table.string('fingerprint', 255).nullable();
    table.bigInteger('start_ms').notNullable();
    table.bigInteger('last_event_ms').notNullable();
    table
      .text('entity_refs')
      .notNullable()
      .comment('The entities it counts for, JSON list');
    table
      .text('derived', 'longtext')
      .notNullable()
      .comment('DerivedIncident, JSON');
    table.index(['start_ms'], 'mttr_incidents_start_idx');
  });

  await knex.schema.createTable('mttr_incident_entities', table => {
    table.comment('The entities each incident counts for');
    table.string('source', 255).notNullable();
    table.string('incident_id', 255).notNullable();
    table.string('entity_ref', 255).notNullable();
    table
      .string('fingerprint', 255)
      .nullable()
      .comment("The incident's fingerprint, to find recurrence chains");
    table.bigInteger('start_ms').notNullable();
    table.primary(['source', 'incident_id', 'entity_ref']);
    table.index(
      ['entity_ref', 'start_ms'],
      'mttr_incident_entities_entity_idx',
    );
    table.index(
      ['entity_ref', 'fingerprint'],
      'mttr_incident_entities_fingerprint_idx',
    );
  });

  await knex.schema.createTable('mttr_incident_keys', table => {
    table.comment('The mapping keys each incident carries');
    table.string('source', 255).notNullable();
    table.string('incident_id', 255).notNullable();
    table.string('mapping_key', 255).notNullable();
    table.primary(['source', 'incident_id', 'mapping_key']);
    table.index(['mapping_key'], 'mttr_incident_keys_key_idx');
  });

  await knex.schema.createTable('mttr_entity_mappings', table => {
    table.comment('Which entity a mapping key belongs to');
    table.string('mapping_key', 255).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('origin', 16).notNullable().comment("'catalog' or 'manual'");
    table.bigInteger('created_at_ms').notNullable();
    table.string('created_by', 255).nullable();
    table.primary(['mapping_key', 'entity_ref', 'origin']);
    table.index(['entity_ref'], 'mttr_entity_mappings_entity_idx');
  });

  await knex.schema.createTable('mttr_catalog_entities', table => {
    table.comment('Entity refs the catalog knew at the last sync');
    table.string('entity_ref', 255).notNullable().primary();
  });

  await knex.schema.createTable('mttr_units', table => {
    table.comment('Recovery units per definition and entity, derived');
    table.bigIncrements('id').primary();
    table.string('definition_id', 64).notNullable();
    table.string('entity_ref', 255).notNullable();
    // Up to 'inc:' + source + '/' + incidentId; not indexed on its own (MySQL
    // key length): deletes by group go through the entity index.
    table.string('group_key', 600).notNullable();
    table.bigInteger('start_ms').notNullable();
    table.bigInteger('end_ms').nullable();
    table.bigInteger('duration_ms').nullable();
    table.boolean('reopened').notNullable();
    table.string('outcome', 16).notNullable();
    table.string('severity', 8).nullable();
    table.bigInteger('detect_ms').nullable();
    table.bigInteger('acknowledge_ms').nullable();
    table.bigInteger('mitigate_ms').nullable();
    table.bigInteger('resolve_ms').nullable();
    table.text('incident_keys').notNullable().comment('JSON list, head first');
    table.text('reasons').notNullable().comment('JSON list');
    table.index(
      ['definition_id', 'entity_ref', 'start_ms'],
      'mttr_units_entity_idx',
    );
    table.index(['definition_id', 'start_ms'], 'mttr_units_start_idx');
  });

  await knex.schema.createTable('mttr_definition_state', table => {
    table.comment('The definitions the units were derived with');
    table.string('definition_id', 64).notNullable().primary();
    table.string('hash', 64).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mttr_definition_state');
  await knex.schema.dropTable('mttr_units');
  await knex.schema.dropTable('mttr_catalog_entities');
  await knex.schema.dropTable('mttr_entity_mappings');
  await knex.schema.dropTable('mttr_incident_keys');
  await knex.schema.dropTable('mttr_incident_entities');
  await knex.schema.dropTable('mttr_incidents');
  await knex.schema.dropTable('mttr_events');
};
