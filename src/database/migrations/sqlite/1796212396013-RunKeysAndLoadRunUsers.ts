// traffic_runs gain the hash of their secret key and may be open (no end, no measurements yet); metrics_rollup counts
// the requests of runs per row; users get an index for counting load-run wallets. Generated, then data steps added.
import { MigrationInterface, QueryRunner } from "typeorm";
import { runKeysDataDown, runKeysDataUp } from "../run-keys-data";

export class RunKeysAndLoadRunUsers1796212396013 implements MigrationInterface {
    name = 'RunKeysAndLoadRunUsers1796212396013'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "UQ_metrics_rollup_hour_route_method"`);
        await queryRunner.query(`CREATE TABLE "temporary_metrics_rollup" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "hour_start" bigint NOT NULL, "route" varchar(128) NOT NULL, "method" varchar(8) NOT NULL, "requests" integer NOT NULL, "ok" integer NOT NULL, "client_errors" integer NOT NULL, "server_errors" integer NOT NULL, "rate_limited" integer NOT NULL, "avg_ms" double precision NOT NULL, "p50_ms" double precision NOT NULL, "p95_ms" double precision NOT NULL, "p99_ms" double precision NOT NULL, "max_ms" double precision NOT NULL, "unique_users" integer NOT NULL, "run_requests" integer NOT NULL DEFAULT (0))`);
        await queryRunner.query(`INSERT INTO "temporary_metrics_rollup"("id", "hour_start", "route", "method", "requests", "ok", "client_errors", "server_errors", "rate_limited", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "unique_users") SELECT "id", "hour_start", "route", "method", "requests", "ok", "client_errors", "server_errors", "rate_limited", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "unique_users" FROM "metrics_rollup"`);
        await queryRunner.query(`DROP TABLE "metrics_rollup"`);
        await queryRunner.query(`ALTER TABLE "temporary_metrics_rollup" RENAME TO "metrics_rollup"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_metrics_rollup_hour_route_method" ON "metrics_rollup" ("hour_start", "route", "method") `);
        await queryRunner.query(`DROP INDEX "UQ_traffic_runs_run_id"`);
        await queryRunner.query(`DROP INDEX "IDX_traffic_runs_started_at"`);
        await queryRunner.query(`CREATE TABLE "temporary_traffic_runs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" varchar(64) NOT NULL, "kind" varchar(32) NOT NULL, "params" text NOT NULL, "started_at" bigint NOT NULL, "ended_at" bigint NOT NULL, "requests" integer NOT NULL, "ok_pct" double precision NOT NULL, "p50_ms" double precision NOT NULL, "p95_ms" double precision NOT NULL, "p99_ms" double precision NOT NULL, "http_5xx" integer NOT NULL, "top_error" varchar(64), "summary" text NOT NULL, "key_hash" varchar(64))`);
        await queryRunner.query(`INSERT INTO "temporary_traffic_runs"("id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary") SELECT "id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary" FROM "traffic_runs"`);
        await queryRunner.query(`DROP TABLE "traffic_runs"`);
        await queryRunner.query(`ALTER TABLE "temporary_traffic_runs" RENAME TO "traffic_runs"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_traffic_runs_run_id" ON "traffic_runs" ("run_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_traffic_runs_started_at" ON "traffic_runs" ("started_at") `);
        await queryRunner.query(`DROP INDEX "UQ_traffic_runs_run_id"`);
        await queryRunner.query(`DROP INDEX "IDX_traffic_runs_started_at"`);
        await queryRunner.query(`CREATE TABLE "temporary_traffic_runs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" varchar(64) NOT NULL, "kind" varchar(32) NOT NULL, "params" text NOT NULL, "started_at" bigint NOT NULL, "ended_at" bigint, "requests" integer, "ok_pct" double precision, "p50_ms" double precision, "p95_ms" double precision, "p99_ms" double precision, "http_5xx" integer, "top_error" varchar(64), "summary" text, "key_hash" varchar(64))`);
        await queryRunner.query(`INSERT INTO "temporary_traffic_runs"("id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary", "key_hash") SELECT "id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary", "key_hash" FROM "traffic_runs"`);
        await queryRunner.query(`DROP TABLE "traffic_runs"`);
        await queryRunner.query(`ALTER TABLE "temporary_traffic_runs" RENAME TO "traffic_runs"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_traffic_runs_run_id" ON "traffic_runs" ("run_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_traffic_runs_started_at" ON "traffic_runs" ("started_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_users_source_first_seen_at" ON "users" ("source", "first_seen_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_traffic_runs_key_hash" ON "traffic_runs" ("key_hash") `);
        await runKeysDataUp(queryRunner);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await runKeysDataDown(queryRunner);
        await queryRunner.query(`DROP INDEX "UQ_traffic_runs_key_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_users_source_first_seen_at"`);
        await queryRunner.query(`DROP INDEX "IDX_traffic_runs_started_at"`);
        await queryRunner.query(`DROP INDEX "UQ_traffic_runs_run_id"`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" RENAME TO "temporary_traffic_runs"`);
        await queryRunner.query(`CREATE TABLE "traffic_runs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" varchar(64) NOT NULL, "kind" varchar(32) NOT NULL, "params" text NOT NULL, "started_at" bigint NOT NULL, "ended_at" bigint NOT NULL, "requests" integer NOT NULL, "ok_pct" double precision NOT NULL, "p50_ms" double precision NOT NULL, "p95_ms" double precision NOT NULL, "p99_ms" double precision NOT NULL, "http_5xx" integer NOT NULL, "top_error" varchar(64), "summary" text NOT NULL, "key_hash" varchar(64))`);
        await queryRunner.query(`INSERT INTO "traffic_runs"("id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary", "key_hash") SELECT "id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary", "key_hash" FROM "temporary_traffic_runs"`);
        await queryRunner.query(`DROP TABLE "temporary_traffic_runs"`);
        await queryRunner.query(`CREATE INDEX "IDX_traffic_runs_started_at" ON "traffic_runs" ("started_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_traffic_runs_run_id" ON "traffic_runs" ("run_id") `);
        await queryRunner.query(`DROP INDEX "IDX_traffic_runs_started_at"`);
        await queryRunner.query(`DROP INDEX "UQ_traffic_runs_run_id"`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" RENAME TO "temporary_traffic_runs"`);
        await queryRunner.query(`CREATE TABLE "traffic_runs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" varchar(64) NOT NULL, "kind" varchar(32) NOT NULL, "params" text NOT NULL, "started_at" bigint NOT NULL, "ended_at" bigint NOT NULL, "requests" integer NOT NULL, "ok_pct" double precision NOT NULL, "p50_ms" double precision NOT NULL, "p95_ms" double precision NOT NULL, "p99_ms" double precision NOT NULL, "http_5xx" integer NOT NULL, "top_error" varchar(64), "summary" text NOT NULL)`);
        await queryRunner.query(`INSERT INTO "traffic_runs"("id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary") SELECT "id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary" FROM "temporary_traffic_runs"`);
        await queryRunner.query(`DROP TABLE "temporary_traffic_runs"`);
        await queryRunner.query(`CREATE INDEX "IDX_traffic_runs_started_at" ON "traffic_runs" ("started_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_traffic_runs_run_id" ON "traffic_runs" ("run_id") `);
        await queryRunner.query(`DROP INDEX "UQ_metrics_rollup_hour_route_method"`);
        await queryRunner.query(`ALTER TABLE "metrics_rollup" RENAME TO "temporary_metrics_rollup"`);
        await queryRunner.query(`CREATE TABLE "metrics_rollup" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "hour_start" bigint NOT NULL, "route" varchar(128) NOT NULL, "method" varchar(8) NOT NULL, "requests" integer NOT NULL, "ok" integer NOT NULL, "client_errors" integer NOT NULL, "server_errors" integer NOT NULL, "rate_limited" integer NOT NULL, "avg_ms" double precision NOT NULL, "p50_ms" double precision NOT NULL, "p95_ms" double precision NOT NULL, "p99_ms" double precision NOT NULL, "max_ms" double precision NOT NULL, "unique_users" integer NOT NULL)`);
        await queryRunner.query(`INSERT INTO "metrics_rollup"("id", "hour_start", "route", "method", "requests", "ok", "client_errors", "server_errors", "rate_limited", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "unique_users") SELECT "id", "hour_start", "route", "method", "requests", "ok", "client_errors", "server_errors", "rate_limited", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "unique_users" FROM "temporary_metrics_rollup"`);
        await queryRunner.query(`DROP TABLE "temporary_metrics_rollup"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_metrics_rollup_hour_route_method" ON "metrics_rollup" ("hour_start", "route", "method") `);
    }

}
