/**
 * Profile mode's view into PostgreSQL: the statements it spent the most time executing, from
 * pg_stat_statements (loaded by `startPostgres({ statementStats: true })`), written beside the
 * CPU profiles. Execution time only: parsing, planning and the wire are not in it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export async function resetStatementStats(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
  } finally {
    await client.end();
  }
}

export async function writeStatementStats(databaseUrl: string, file: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ calls: string; total_ms: number; mean_ms: number; query: string }>(
      `SELECT calls, round(total_exec_time::numeric, 1)::float AS total_ms, round(mean_exec_time::numeric, 3)::float AS mean_ms,
         left(regexp_replace(query, '\\s+', ' ', 'g'), 200) AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40`,
    );
    writeFileSync(path.join(file), JSON.stringify(rows, null, 2));
  } finally {
    await client.end();
  }
}
