// request_log, metrics_rollup, traffic_runs: `real` → `double precision` (8-byte floats on both drivers; see Float64Column).
// Generated, then reviewed: TypeORM emitted a second, identical rebuild of request_log, removed here.
import { MigrationInterface, QueryRunner } from "typeorm";

export class Float64Columns1795731350503 implements MigrationInterface {
    name = 'Float64Columns1795731350503'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "UQ_metrics_rollup_hour_route_method"`);
        await queryRunner.query(`CREATE TABLE "temporary_metrics_rollup" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "hour_start" bigint NOT NULL, "route" varchar(128) NOT NULL, "method" varchar(8) NOT NULL, "requests" integer NOT NULL, "ok" integer NOT NULL, "client_errors" integer NOT NULL, "server_errors" integer NOT NULL, "rate_limited" integer NOT NULL, "avg_ms" double precision NOT NULL, "p50_ms" double precision NOT NULL, "p95_ms" double precision NOT NULL, "p99_ms" double precision NOT NULL, "max_ms" double precision NOT NULL, "unique_users" integer NOT NULL)`);
        await queryRunner.query(`INSERT INTO "temporary_metrics_rollup"("id", "hour_start", "route", "method", "requests", "ok", "client_errors", "server_errors", "rate_limited", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "unique_users") SELECT "id", "hour_start", "route", "method", "requests", "ok", "client_errors", "server_errors", "rate_limited", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "unique_users" FROM "metrics_rollup"`);
        await queryRunner.query(`DROP TABLE "metrics_rollup"`);
        await queryRunner.query(`ALTER TABLE "temporary_metrics_rollup" RENAME TO "metrics_rollup"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_metrics_rollup_hour_route_method" ON "metrics_rollup" ("hour_start", "route", "method") `);
        await queryRunner.query(`DROP INDEX "IDX_request_log_ts"`);
        await queryRunner.query(`DROP INDEX "IDX_request_log_run_id_ts"`);
        await queryRunner.query(`CREATE TABLE "temporary_request_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "ts" bigint NOT NULL, "method" varchar(8) NOT NULL, "route" varchar(128) NOT NULL, "status" integer NOT NULL, "duration_ms" double precision NOT NULL, "user_hash" varchar(64), "run_id" varchar(64), "correlation_id" varchar(64), "error_code" varchar(64))`);
        await queryRunner.query(`INSERT INTO "temporary_request_log"("id", "ts", "method", "route", "status", "duration_ms", "user_hash", "run_id", "correlation_id", "error_code") SELECT "id", "ts", "method", "route", "status", "duration_ms", "user_hash", "run_id", "correlation_id", "error_code" FROM "request_log"`);
        await queryRunner.query(`DROP TABLE "request_log"`);
        await queryRunner.query(`ALTER TABLE "temporary_request_log" RENAME TO "request_log"`);
        await queryRunner.query(`CREATE INDEX "IDX_request_log_ts" ON "request_log" ("ts") `);
        await queryRunner.query(`CREATE INDEX "IDX_request_log_run_id_ts" ON "request_log" ("run_id", "ts") `);
        await queryRunner.query(`DROP INDEX "IDX_traffic_runs_started_at"`);
        await queryRunner.query(`DROP INDEX "UQ_traffic_runs_run_id"`);
        await queryRunner.query(`CREATE TABLE "temporary_traffic_runs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" varchar(64) NOT NULL, "kind" varchar(32) NOT NULL, "params" text NOT NULL, "started_at" bigint NOT NULL, "ended_at" bigint NOT NULL, "requests" integer NOT NULL, "ok_pct" double precision NOT NULL, "p50_ms" double precision NOT NULL, "p95_ms" double precision NOT NULL, "p99_ms" double precision NOT NULL, "http_5xx" integer NOT NULL, "top_error" varchar(64), "summary" text NOT NULL)`);
        await queryRunner.query(`INSERT INTO "temporary_traffic_runs"("id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary") SELECT "id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary" FROM "traffic_runs"`);
        await queryRunner.query(`DROP TABLE "traffic_runs"`);
        await queryRunner.query(`ALTER TABLE "temporary_traffic_runs" RENAME TO "traffic_runs"`);
        await queryRunner.query(`CREATE INDEX "IDX_traffic_runs_started_at" ON "traffic_runs" ("started_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_traffic_runs_run_id" ON "traffic_runs" ("run_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "UQ_traffic_runs_run_id"`);
        await queryRunner.query(`DROP INDEX "IDX_traffic_runs_started_at"`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" RENAME TO "temporary_traffic_runs"`);
        await queryRunner.query(`CREATE TABLE "traffic_runs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" varchar(64) NOT NULL, "kind" varchar(32) NOT NULL, "params" text NOT NULL, "started_at" bigint NOT NULL, "ended_at" bigint NOT NULL, "requests" integer NOT NULL, "ok_pct" real NOT NULL, "p50_ms" real NOT NULL, "p95_ms" real NOT NULL, "p99_ms" real NOT NULL, "http_5xx" integer NOT NULL, "top_error" varchar(64), "summary" text NOT NULL)`);
        await queryRunner.query(`INSERT INTO "traffic_runs"("id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary") SELECT "id", "run_id", "kind", "params", "started_at", "ended_at", "requests", "ok_pct", "p50_ms", "p95_ms", "p99_ms", "http_5xx", "top_error", "summary" FROM "temporary_traffic_runs"`);
        await queryRunner.query(`DROP TABLE "temporary_traffic_runs"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_traffic_runs_run_id" ON "traffic_runs" ("run_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_traffic_runs_started_at" ON "traffic_runs" ("started_at") `);
        await queryRunner.query(`DROP INDEX "IDX_request_log_run_id_ts"`);
        await queryRunner.query(`DROP INDEX "IDX_request_log_ts"`);
        await queryRunner.query(`ALTER TABLE "request_log" RENAME TO "temporary_request_log"`);
        await queryRunner.query(`CREATE TABLE "request_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "ts" bigint NOT NULL, "method" varchar(8) NOT NULL, "route" varchar(128) NOT NULL, "status" integer NOT NULL, "duration_ms" real NOT NULL, "user_hash" varchar(64), "run_id" varchar(64), "correlation_id" varchar(64), "error_code" varchar(64))`);
        await queryRunner.query(`INSERT INTO "request_log"("id", "ts", "method", "route", "status", "duration_ms", "user_hash", "run_id", "correlation_id", "error_code") SELECT "id", "ts", "method", "route", "status", "duration_ms", "user_hash", "run_id", "correlation_id", "error_code" FROM "temporary_request_log"`);
        await queryRunner.query(`DROP TABLE "temporary_request_log"`);
        await queryRunner.query(`CREATE INDEX "IDX_request_log_run_id_ts" ON "request_log" ("run_id", "ts") `);
        await queryRunner.query(`CREATE INDEX "IDX_request_log_ts" ON "request_log" ("ts") `);
        await queryRunner.query(`DROP INDEX "UQ_metrics_rollup_hour_route_method"`);
        await queryRunner.query(`ALTER TABLE "metrics_rollup" RENAME TO "temporary_metrics_rollup"`);
        await queryRunner.query(`CREATE TABLE "metrics_rollup" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "hour_start" bigint NOT NULL, "route" varchar(128) NOT NULL, "method" varchar(8) NOT NULL, "requests" integer NOT NULL, "ok" integer NOT NULL, "client_errors" integer NOT NULL, "server_errors" integer NOT NULL, "rate_limited" integer NOT NULL, "avg_ms" real NOT NULL, "p50_ms" real NOT NULL, "p95_ms" real NOT NULL, "p99_ms" real NOT NULL, "max_ms" real NOT NULL, "unique_users" integer NOT NULL)`);
        await queryRunner.query(`INSERT INTO "metrics_rollup"("id", "hour_start", "route", "method", "requests", "ok", "client_errors", "server_errors", "rate_limited", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "unique_users") SELECT "id", "hour_start", "route", "method", "requests", "ok", "client_errors", "server_errors", "rate_limited", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "unique_users" FROM "temporary_metrics_rollup"`);
        await queryRunner.query(`DROP TABLE "temporary_metrics_rollup"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_metrics_rollup_hour_route_method" ON "metrics_rollup" ("hour_start", "route", "method") `);
    }

}
