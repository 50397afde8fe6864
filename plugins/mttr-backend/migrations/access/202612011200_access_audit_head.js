// @ts-check

/**
 * The audit chain's head pointer and hash versions.
 *
 * `access_audit_head` holds one row: the sequence number and hash of the
 * newest entry of `access_events`, moved in the same transaction as each
 * append, so that the verification sees newest entries removed (the chain
 * alone cannot: its shortened end still links). An existing chain's head
 * starts at its current tail.
 *
 * `access_events.hash_version` says how an entry's hash was formed
 * (src/access/audit/auditHash.ts); entries written before it have none and
 * are version 1.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('access_events', table => {
    table.integer('hash_version').nullable();
  });
  await knex.schema.createTable('access_audit_head', table => {
    table.integer('id').primary();
    table.integer('last_seq').notNullable();
    table.string('last_hash', 64).notNullable();
  });
  const tail = await knex('access_events')
    .orderBy('seq', 'desc')
    .first('seq', 'hash');
  await knex('access_audit_head').insert({
    id: 1,
    last_seq: tail ? Number(tail.seq) : 0,
    last_hash: tail ? tail.hash : '0'.repeat(64),
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('access_audit_head');
  await knex.schema.alterTable('access_events', table => {
    table.dropColumn('hash_version');
  });
};
