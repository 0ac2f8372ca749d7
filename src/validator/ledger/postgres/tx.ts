/** One transaction on a pooled client; PostgreSQL's unique-violation code for the stores' errors. */
import type { Pool, PoolClient } from 'pg'

export const UNIQUE_VIOLATION = '23505'

export interface PgError {
  code?: string
  constraint?: string
}

export async function transaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/** pg returns BIGINT, NUMERIC and COUNT as strings: numbers the ledger keeps are well inside 2^53. */
export const num = (value: unknown): number => Number(value ?? 0)
