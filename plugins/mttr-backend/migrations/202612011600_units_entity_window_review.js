// @ts-check

/*
 * The covering entity index of the units (202611280000) also holds when
 * the unit's review was published: the levers of some entities (a card, a
 * page of the comparison) read their units published before a moment
 * (repeats after a review) and recovered in a window, and both are now
 * answered from the index, looking up only the units that match. Before,
 * each of the entities' units was looked up in the table for its review
 * (about 100 ms for a page of 50 entities at a million incidents on
 * SQLite).
 */

const COLUMNS = [
  'definition_id',
  'entity_ref',
  'start_ms',
  'outcome',
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
    table.index(
      [...COLUMNS, 'review_published_ms'],
      'mttr_units_entity_review_window_idx',
    );
  });
  await knex.schema.alterTable('mttr_units', table => {
    table.dropIndex(COLUMNS, 'mttr_units_entity_window_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mttr_units', table => {
    table.index(COLUMNS, 'mttr_units_entity_window_idx');
  });
  await knex.schema.alterTable('mttr_units', table => {
    table.dropIndex(
      [...COLUMNS, 'review_published_ms'],
      'mttr_units_entity_review_window_idx',
    );
  });
};
