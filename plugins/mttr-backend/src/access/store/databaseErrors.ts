import { withRetry } from '@mttr-backstage/plugin-mttr-node';

/** Whether an insert failed on a primary key or unique index, on any engine. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; message?: string };
  return (
    e?.code === '23505' || // PostgreSQL
    e?.code === 'ER_DUP_ENTRY' || // MySQL
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed|duplicate key|Duplicate entry/i.test(
      e?.message ?? '',
    )
  );
}

export function isDeadlock(error: unknown): boolean {
  const e = error as { code?: string; errno?: number };
  return (
    e?.code === 'ER_LOCK_DEADLOCK' || // MySQL / MariaDB
    e?.code === 'ER_LOCK_WAIT_TIMEOUT' ||
    e?.code === '40P01' || // PostgreSQL deadlock
    e?.code === '40001' // serialization failure
  );
}

/**
 * Runs a transaction again when the engine picked it as a deadlock victim:
 * InnoDB may do so when several deciders queue on the same request row. On
 * the retry the request is no longer pending and the caller gets the
 * ConflictError it should have had.
 */
export async function retryOnDeadlock<T>(fn: () => Promise<T>): Promise<T> {
  return withRetry(fn, {
    attempts: 5,
    baseDelayMs: 10,
    maxDelayMs: 80,
    shouldRetry: isDeadlock,
  });
}
