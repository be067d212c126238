// Hand-written queries on users: one query a method, named for what it answers.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dialect, dialectOf, toNumber } from '../database/dialect';
import { UserSource } from './user.entity';

const LOAD_RUN: UserSource = 'load-run';

export interface UserCounts {
  total: number;
  /** Seen (any request attributed to them) at or after `since`. */
  seenSince: number;
  /** First seen at or after `since`. */
  newSince: number;
  /** Of all users, those first seen in a sign-in of a traffic run (source `load-run`). */
  loadRunTotal: number;
  /** Of newSince, those first seen in a sign-in of a traffic run. */
  loadRunNewSince: number;
}

export interface UserRow {
  id: number;
  addressHash: string;
  firstSeenAt: number;
  lastSeenAt: number;
  source: string;
}

@Injectable()
export class UsersRepository {
  private readonly dialect: Dialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
  }

  /**
   * Creates the user on first sight (with its source), else moves last_seen_at to `now`; the source never changes.
   * One statement on both databases: the id comes back through RETURNING.
   */
  async upsertSeen(addressHash: string, now: number, source: UserSource): Promise<number> {
    const q = this.dialect;
    const { rows } = await q.execute<{ id: unknown }>(
      this.dataSource.manager,
      `INSERT INTO "users" ("address_hash", "first_seen_at", "last_seen_at", "source", "notes") ` +
        `VALUES (${q.param(1)}, ${q.param(2)}, ${q.param(3)}, ${q.param(4)}, NULL) ` +
        `ON CONFLICT ("address_hash") DO UPDATE SET "last_seen_at" = EXCLUDED."last_seen_at" RETURNING "id"`,
      [addressHash, now, now, source],
    );
    if (rows.length !== 1) throw new Error(`user upsert returned ${rows.length} rows`);
    return toNumber(rows[0].id);
  }

  /**
   * last_seen_at = max(existing, given) for the users that exist, one statement per chunk of hashes. A join
   * (UPDATE … FROM, SQLite 3.33+), not a subquery per user row: the subquery scans the whole VALUES list for every
   * user it updates, which took 94–151 ms for 1,000 users and 1.5–3 s for 5,000 on PostgreSQL (the join: 11 and
   * 80–100 ms).
   */
  async touchLastSeen(seen: ReadonlyMap<string, number>): Promise<void> {
    const entries = [...seen];
    const q = this.dialect;
    const perStatement = q.maxRowsPerInsert(2);
    for (let start = 0; start < entries.length; start += perStatement) {
      const chunk = entries.slice(start, start + perStatement);
      const values = chunk.map((_, i) => `(${q.param(2 * i + 1)}, CAST(${q.param(2 * i + 2)} AS BIGINT))`).join(',');
      await this.dataSource.query(
        `WITH "seen"("h", "ts") AS (VALUES ${values}) ` +
          `UPDATE "users" SET "last_seen_at" = "seen"."ts" FROM "seen" ` +
          `WHERE "users"."address_hash" = "seen"."h" AND "users"."last_seen_at" < "seen"."ts"`,
        chunk.flat(),
      );
    }
  }

  /** All users, those seen since `since`, those first seen since, and the load-run ones of each: indexed counts. */
  async counts(since: number): Promise<UserCounts> {
    const q = this.dialect;
    const [row] = (await this.dataSource.query(
      `SELECT COUNT(*) AS "n", ` +
        `(SELECT COUNT(*) FROM "users" WHERE "last_seen_at" >= ${q.param(1)}) AS "seen", ` +
        `(SELECT COUNT(*) FROM "users" WHERE "first_seen_at" >= ${q.param(2)}) AS "new", ` +
        `(SELECT COUNT(*) FROM "users" WHERE "source" = ${q.param(3)}) AS "loadRun", ` +
        `(SELECT COUNT(*) FROM "users" WHERE "source" = ${q.param(4)} AND "first_seen_at" >= ${q.param(5)}) AS "loadRunNew" FROM "users"`,
      [since, since, LOAD_RUN, LOAD_RUN, since],
    )) as Record<string, unknown>[];
    return {
      total: toNumber(row?.n),
      seenSince: toNumber(row?.seen),
      newSince: toNumber(row?.new),
      loadRunTotal: toNumber(row?.loadRun),
      loadRunNewSince: toNumber(row?.loadRunNew),
    };
  }

  /** A page of users, most recently seen first. */
  async page(limit: number, offset: number): Promise<UserRow[]> {
    const q = this.dialect;
    const rows = (await this.dataSource.query(
      `SELECT "id", "address_hash", "first_seen_at", "last_seen_at", "source" FROM "users" ` +
        `ORDER BY "last_seen_at" DESC, "id" DESC LIMIT ${q.param(1)} OFFSET ${q.param(2)}`,
      [limit, offset],
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: toNumber(r.id),
      addressHash: String(r.address_hash),
      firstSeenAt: toNumber(r.first_seen_at),
      lastSeenAt: toNumber(r.last_seen_at),
      source: String(r.source),
    }));
  }

  /** The address hash of each of these user ids. */
  async hashesByIds(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT "id", "address_hash" FROM "users" WHERE "id" IN (${this.dialect.placeholders(ids.length)})`,
      [...ids],
    )) as Record<string, unknown>[];
    return new Map(rows.map((r) => [toNumber(r.id), String(r.address_hash)]));
  }
}
