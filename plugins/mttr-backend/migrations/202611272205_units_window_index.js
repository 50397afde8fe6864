/*
 * The comparison reads every unit of a definition in a window (hundreds of
 * thousands at scale). An index holding every column those reads need lets
 * each engine answer from the index alone, in start order, instead of one
 * random table lookup per unit.
 */

const COLUMNS = [
  'definition_id',
  'start_ms',
  'outcome',
  'entity_ref',
  'end_ms',
  'duration_ms',
  'reopened',
  'severity',
  'detect_ms',
  'acknowledge_ms',
  'mitigate_ms',
  'resolve_ms',
];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mttr_units', table => {
    table.index(COLUMNS, 'mttr_units_window_idx');
  });
  // (definition_id, start_ms) is a prefix of the new index.
  await knex.schema.alterTable('mttr_units', table => {
    table.dropIndex(['definition_id', 'start_ms'], 'mttr_units_start_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mttr_units', table => {
    table.index(['definition_id', 'start_ms'], 'mttr_units_start_idx');
  });
  await knex.schema.alterTable('mttr_units', table => {
    table.dropIndex(COLUMNS, 'mttr_units_window_idx');
  });
};
