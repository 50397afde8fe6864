/*
 * One row that every transaction deriving incidents locks first (SELECT
 * ... FOR UPDATE on PostgreSQL and MySQL; SQLite runs one transaction at a
 * time anyway). Two batches that touch the same incident at the same time,
 * from webhooks delivered in parallel or from several backend replicas,
 * would otherwise each derive it without the other's events, and the last
 * to commit would win.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mttr_derivation_lock', table => {
    table.comment('A single row, locked by each deriving transaction');
    table.integer('id').primary();
  });
  await knex('mttr_derivation_lock').insert({ id: 1 });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mttr_derivation_lock');
};
