/*
 * Units are replaced per group (definition, entity, group key): a hash of the
 * three in one indexed column lets a batch find all the groups it touches
 * with one IN list, instead of an OR of three-column conditions that every
 * engine plans slowly.
 *
 * The units are derived data: they are dropped here and re-derived from the
 * stored incidents at the next start (the definition hashes are cleared).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex('mttr_units').delete();
  await knex('mttr_definition_state').delete();
  await knex.schema.alterTable('mttr_units', table => {
    table
      .string('group_hash', 40)
      .notNullable()
      .defaultTo('')
      .comment('sha1 of definition id, entity ref and group key');
    table.index(['group_hash'], 'mttr_units_group_hash_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mttr_units', table => {
    table.dropIndex(['group_hash'], 'mttr_units_group_hash_idx');
    table.dropColumn('group_hash');
  });
};
