import { MigrationInterface, QueryRunner } from "typeorm";

export class InitialSchema1795730793677 implements MigrationInterface {
    name = 'InitialSchema1795730793677'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "address_hash" varchar(64) NOT NULL, "first_seen_at" bigint NOT NULL, "last_seen_at" bigint NOT NULL, "source" varchar(32) NOT NULL DEFAULT ('siwe'), "notes" text)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_address_hash" ON "users" ("address_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_users_first_seen_at" ON "users" ("first_seen_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_users_last_seen_at" ON "users" ("last_seen_at") `);
        await queryRunner.query(`CREATE TABLE "sessions" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "key_hash" varchar(64) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('active'), "created_at" bigint NOT NULL, "expires_at" bigint NOT NULL, "revoked_at" bigint)`);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_user_id" ON "sessions" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_sessions_key_hash" ON "sessions" ("key_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at") `);
        await queryRunner.query(`CREATE TABLE "executions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "session_id" integer, "correlation_id" varchar(64), "action" varchar(64) NOT NULL, "token" varchar(16), "amount_units" varchar(78), "fee_bps" integer NOT NULL, "fee_units" varchar(78), "status" varchar(16) NOT NULL, "tx_hash" varchar(66), "block_number" integer, "error_code" varchar(64), "error_message" varchar(500), "latency_ms" integer, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_executions_user_id" ON "executions" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_tx_hash" ON "executions" ("tx_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_created_at" ON "executions" ("created_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_status_updated_at" ON "executions" ("status", "updated_at") `);
        await queryRunner.query(`CREATE TABLE "token_totals" ("token" varchar(16) PRIMARY KEY NOT NULL, "confirmed_count" integer NOT NULL DEFAULT (0), "amount_units" varchar(78) NOT NULL DEFAULT ('0'), "fee_units" varchar(78) NOT NULL DEFAULT ('0'))`);
        await queryRunner.query(`CREATE TABLE "metrics_rollup" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "hour_start" bigint NOT NULL, "route" varchar(128) NOT NULL, "method" varchar(8) NOT NULL, "requests" integer NOT NULL, "ok" integer NOT NULL, "client_errors" integer NOT NULL, "server_errors" integer NOT NULL, "rate_limited" integer NOT NULL, "avg_ms" real NOT NULL, "p50_ms" real NOT NULL, "p95_ms" real NOT NULL, "p99_ms" real NOT NULL, "max_ms" real NOT NULL, "unique_users" integer NOT NULL)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_metrics_rollup_hour_route_method" ON "metrics_rollup" ("hour_start", "route", "method") `);
        await queryRunner.query(`CREATE TABLE "rolled_hours" ("hour_start" bigint PRIMARY KEY NOT NULL, "requests" integer NOT NULL, "rolled_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE TABLE "request_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "ts" bigint NOT NULL, "method" varchar(8) NOT NULL, "route" varchar(128) NOT NULL, "status" integer NOT NULL, "duration_ms" real NOT NULL, "user_hash" varchar(64), "run_id" varchar(64), "correlation_id" varchar(64), "error_code" varchar(64))`);
        await queryRunner.query(`CREATE INDEX "IDX_request_log_run_id_ts" ON "request_log" ("run_id", "ts") `);
        await queryRunner.query(`CREATE INDEX "IDX_request_log_ts" ON "request_log" ("ts") `);
        await queryRunner.query(`CREATE TABLE "siwe_nonces" ("nonce" varchar(64) PRIMARY KEY NOT NULL, "expires_at" bigint NOT NULL, "used_at" bigint)`);
        await queryRunner.query(`CREATE INDEX "IDX_siwe_nonces_expires_at" ON "siwe_nonces" ("expires_at") `);
        await queryRunner.query(`CREATE TABLE "settings" ("key" varchar(64) PRIMARY KEY NOT NULL, "value" text NOT NULL)`);
        await queryRunner.query(`CREATE TABLE "traffic_runs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" varchar(64) NOT NULL, "kind" varchar(32) NOT NULL, "params" text NOT NULL, "started_at" bigint NOT NULL, "ended_at" bigint NOT NULL, "requests" integer NOT NULL, "ok_pct" real NOT NULL, "p50_ms" real NOT NULL, "p95_ms" real NOT NULL, "p99_ms" real NOT NULL, "http_5xx" integer NOT NULL, "top_error" varchar(64), "summary" text NOT NULL)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_traffic_runs_run_id" ON "traffic_runs" ("run_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_traffic_runs_started_at" ON "traffic_runs" ("started_at") `);
        await queryRunner.query(`DROP INDEX "IDX_sessions_user_id"`);
        await queryRunner.query(`DROP INDEX "UQ_sessions_key_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_sessions_expires_at"`);
        await queryRunner.query(`CREATE TABLE "temporary_sessions" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "key_hash" varchar(64) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('active'), "created_at" bigint NOT NULL, "expires_at" bigint NOT NULL, "revoked_at" bigint, CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_sessions"("id", "user_id", "key_hash", "status", "created_at", "expires_at", "revoked_at") SELECT "id", "user_id", "key_hash", "status", "created_at", "expires_at", "revoked_at" FROM "sessions"`);
        await queryRunner.query(`DROP TABLE "sessions"`);
        await queryRunner.query(`ALTER TABLE "temporary_sessions" RENAME TO "sessions"`);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_user_id" ON "sessions" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_sessions_key_hash" ON "sessions" ("key_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at") `);
        await queryRunner.query(`DROP INDEX "IDX_executions_user_id"`);
        await queryRunner.query(`DROP INDEX "UQ_executions_tx_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_created_at"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_status_updated_at"`);
        await queryRunner.query(`CREATE TABLE "temporary_executions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "session_id" integer, "correlation_id" varchar(64), "action" varchar(64) NOT NULL, "token" varchar(16), "amount_units" varchar(78), "fee_bps" integer NOT NULL, "fee_units" varchar(78), "status" varchar(16) NOT NULL, "tx_hash" varchar(66), "block_number" integer, "error_code" varchar(64), "error_message" varchar(500), "latency_ms" integer, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, CONSTRAINT "FK_4ba8462bca0a93643b5e6ad9cef" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_8ce22be3725d620dc6b15801091" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_executions"("id", "user_id", "session_id", "correlation_id", "action", "token", "amount_units", "fee_bps", "fee_units", "status", "tx_hash", "block_number", "error_code", "error_message", "latency_ms", "created_at", "updated_at") SELECT "id", "user_id", "session_id", "correlation_id", "action", "token", "amount_units", "fee_bps", "fee_units", "status", "tx_hash", "block_number", "error_code", "error_message", "latency_ms", "created_at", "updated_at" FROM "executions"`);
        await queryRunner.query(`DROP TABLE "executions"`);
        await queryRunner.query(`ALTER TABLE "temporary_executions" RENAME TO "executions"`);
        await queryRunner.query(`CREATE INDEX "IDX_executions_user_id" ON "executions" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_tx_hash" ON "executions" ("tx_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_created_at" ON "executions" ("created_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_status_updated_at" ON "executions" ("status", "updated_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_executions_status_updated_at"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_created_at"`);
        await queryRunner.query(`DROP INDEX "UQ_executions_tx_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_user_id"`);
        await queryRunner.query(`ALTER TABLE "executions" RENAME TO "temporary_executions"`);
        await queryRunner.query(`CREATE TABLE "executions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "session_id" integer, "correlation_id" varchar(64), "action" varchar(64) NOT NULL, "token" varchar(16), "amount_units" varchar(78), "fee_bps" integer NOT NULL, "fee_units" varchar(78), "status" varchar(16) NOT NULL, "tx_hash" varchar(66), "block_number" integer, "error_code" varchar(64), "error_message" varchar(500), "latency_ms" integer, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL)`);
        await queryRunner.query(`INSERT INTO "executions"("id", "user_id", "session_id", "correlation_id", "action", "token", "amount_units", "fee_bps", "fee_units", "status", "tx_hash", "block_number", "error_code", "error_message", "latency_ms", "created_at", "updated_at") SELECT "id", "user_id", "session_id", "correlation_id", "action", "token", "amount_units", "fee_bps", "fee_units", "status", "tx_hash", "block_number", "error_code", "error_message", "latency_ms", "created_at", "updated_at" FROM "temporary_executions"`);
        await queryRunner.query(`DROP TABLE "temporary_executions"`);
        await queryRunner.query(`CREATE INDEX "IDX_executions_status_updated_at" ON "executions" ("status", "updated_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_created_at" ON "executions" ("created_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_tx_hash" ON "executions" ("tx_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_user_id" ON "executions" ("user_id") `);
        await queryRunner.query(`DROP INDEX "IDX_sessions_expires_at"`);
        await queryRunner.query(`DROP INDEX "UQ_sessions_key_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_sessions_user_id"`);
        await queryRunner.query(`ALTER TABLE "sessions" RENAME TO "temporary_sessions"`);
        await queryRunner.query(`CREATE TABLE "sessions" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "key_hash" varchar(64) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('active'), "created_at" bigint NOT NULL, "expires_at" bigint NOT NULL, "revoked_at" bigint)`);
        await queryRunner.query(`INSERT INTO "sessions"("id", "user_id", "key_hash", "status", "created_at", "expires_at", "revoked_at") SELECT "id", "user_id", "key_hash", "status", "created_at", "expires_at", "revoked_at" FROM "temporary_sessions"`);
        await queryRunner.query(`DROP TABLE "temporary_sessions"`);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_sessions_key_hash" ON "sessions" ("key_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_user_id" ON "sessions" ("user_id") `);
        await queryRunner.query(`DROP INDEX "IDX_traffic_runs_started_at"`);
        await queryRunner.query(`DROP INDEX "UQ_traffic_runs_run_id"`);
        await queryRunner.query(`DROP TABLE "traffic_runs"`);
        await queryRunner.query(`DROP TABLE "settings"`);
        await queryRunner.query(`DROP INDEX "IDX_siwe_nonces_expires_at"`);
        await queryRunner.query(`DROP TABLE "siwe_nonces"`);
        await queryRunner.query(`DROP INDEX "IDX_request_log_ts"`);
        await queryRunner.query(`DROP INDEX "IDX_request_log_run_id_ts"`);
        await queryRunner.query(`DROP TABLE "request_log"`);
        await queryRunner.query(`DROP TABLE "rolled_hours"`);
        await queryRunner.query(`DROP INDEX "UQ_metrics_rollup_hour_route_method"`);
        await queryRunner.query(`DROP TABLE "metrics_rollup"`);
        await queryRunner.query(`DROP TABLE "token_totals"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_status_updated_at"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_created_at"`);
        await queryRunner.query(`DROP INDEX "UQ_executions_tx_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_user_id"`);
        await queryRunner.query(`DROP TABLE "executions"`);
        await queryRunner.query(`DROP INDEX "IDX_sessions_expires_at"`);
        await queryRunner.query(`DROP INDEX "UQ_sessions_key_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_sessions_user_id"`);
        await queryRunner.query(`DROP TABLE "sessions"`);
        await queryRunner.query(`DROP INDEX "IDX_users_last_seen_at"`);
        await queryRunner.query(`DROP INDEX "IDX_users_first_seen_at"`);
        await queryRunner.query(`DROP INDEX "UQ_users_address_hash"`);
        await queryRunner.query(`DROP TABLE "users"`);
    }

}
