// @ts-check

/*
 * The levers of recovery (issue 13; docs/improvement-levers.md) are read
 * with the units: each unit keeps, as JSON, its incidents' labels, reviews,
 * action items, fingerprints and starts under the definition, and its
 * outcome without the definition's excludeLabels (drills). Two indexes
 * serve the levers' own reads: the units that recovered in a window (the
 * reviews due), and the units with a published review (repeats after a
 * review).
 *
 * Units derived before this migration lack the column: the stored
 * definition hashes are forgotten, so that the next start re-derives every
 * definition's units (the hashes are written again as it goes).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mttr_units', table => {
    table
      .text('levers', 'mediumtext')
      .nullable()
      .comment('What the levers need of the unit, JSON (UnitLevers)');
    table
      .bigInteger('review_published_ms')
      .nullable()
      .comment(
        "The earliest published review of the unit's incidents, epoch ms UTC",
      );
  });
  await knex.schema.alterTable('mttr_units', table => {
    table.index(['definition_id', 'end_ms'], 'mttr_units_end_idx');
    table.index(
      ['definition_id', 'review_published_ms'],
      'mttr_units_review_idx',
    );
  });
  await knex('mttr_definition_state').delete();
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mttr_units', table => {
    table.dropIndex(['definition_id', 'end_ms'], 'mttr_units_end_idx');
    table.dropIndex(
      ['definition_id', 'review_published_ms'],
      'mttr_units_review_idx',
    );
  });
  await knex.schema.alterTable('mttr_units', table => {
    table.dropColumn('levers');
    table.dropColumn('review_published_ms');
  });
};
