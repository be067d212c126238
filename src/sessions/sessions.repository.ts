// Hand-written queries on sessions: one query a method, named for what it answers.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dialect, dialectOf, toNumber } from '../database/dialect';
import { SessionStatus } from './session.entity';
import { sessionStatusSql } from './session-status';

@Injectable()
export class SessionsRepository {
  private readonly dialect: Dialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
  }

  /** Stores a fresh, unused nonce. */
  async insertNonce(nonce: string, expiresAt: number): Promise<void> {
    const q = this.dialect;
    await q.execute(this.dataSource.manager, `INSERT INTO "siwe_nonces" ("nonce", "expires_at", "used_at") VALUES (${q.placeholders(2)}, NULL)`, [nonce, expiresAt]);
  }

  /** Marks the nonce used if it is unused and unexpired at `now`; true if this call did. */
  async consumeNonce(nonce: string, now: number): Promise<boolean> {
    const q = this.dialect;
    const { affected } = await q.execute(
      this.dataSource.manager,
      `UPDATE "siwe_nonces" SET "used_at" = ${q.param(1)} WHERE "nonce" = ${q.param(2)} AND "used_at" IS NULL AND "expires_at" > ${q.param(3)}`,
      [now, nonce, now],
    );
    return affected === 1;
  }

  /**
   * Opens an active session; its row id. One statement on both databases (TypeORM's insert() would read the defaulted
   * status back with a second query on SQLite).
   */
  async insertActive(userId: number, keyHash: string, createdAt: number, expiresAt: number): Promise<number> {
    const q = this.dialect;
    const { rows } = await q.execute<{ id: unknown }>(
      this.dataSource.manager,
      `INSERT INTO "sessions" ("user_id", "key_hash", "status", "created_at", "expires_at", "revoked_at") ` +
        `VALUES (${q.placeholders(5)}, NULL) RETURNING "id"`,
      [userId, keyHash, 'active', createdAt, expiresAt],
    );
    if (rows.length !== 1) throw new Error(`session insert returned ${rows.length} rows`);
    return toNumber(rows[0].id);
  }

  /** How many sessions are active, expired and revoked at `now`. */
  async countByStatus(now: number): Promise<Record<SessionStatus, number>> {
    const rows = (await this.dataSource.query(
      `SELECT ${sessionStatusSql('s', this.dialect.param(1))} AS "status", COUNT(*) AS "n" FROM "sessions" "s" GROUP BY 1`,
      [now],
    )) as { status: SessionStatus; n: unknown }[];
    const counts: Record<SessionStatus, number> = { active: 0, expired: 0, revoked: 0 };
    for (const r of rows) counts[r.status] = toNumber(r.n);
    return counts;
  }

  /** The status of each user's latest session at `now` (users without a session are absent). */
  async latestStatusByUser(userIds: readonly number[], now: number): Promise<Map<number, SessionStatus>> {
    if (userIds.length === 0) return new Map();
    const q = this.dialect;
    const rows = (await this.dataSource.query(
      `SELECT "s"."user_id" AS "userId", ${sessionStatusSql('s', q.param(1))} AS "status" FROM "sessions" "s" ` +
        `WHERE "s"."user_id" IN (${q.placeholders(userIds.length, 1)}) AND NOT EXISTS (SELECT 1 FROM "sessions" "t" ` +
        `WHERE "t"."user_id" = "s"."user_id" AND ("t"."created_at" > "s"."created_at" OR ("t"."created_at" = "s"."created_at" AND "t"."id" > "s"."id")))`,
      [now, ...userIds],
    )) as { userId: unknown; status: SessionStatus }[];
    return new Map(rows.map((r) => [toNumber(r.userId), r.status]));
  }
}
