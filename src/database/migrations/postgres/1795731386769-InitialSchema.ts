// The PostgreSQL schema as of the SQLite history up to Float64Columns, generated from the entities against an empty database and reviewed.
import { MigrationInterface, QueryRunner } from "typeorm";

export class InitialSchema1795731386769 implements MigrationInterface {
    name = 'InitialSchema1795731386769'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "users" ("id" SERIAL NOT NULL, "address_hash" character varying(64) NOT NULL, "first_seen_at" bigint NOT NULL, "last_seen_at" bigint NOT NULL, "source" character varying(32) NOT NULL DEFAULT 'siwe', "notes" text, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_address_hash" ON "users" ("address_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_users_first_seen_at" ON "users" ("first_seen_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_users_last_seen_at" ON "users" ("last_seen_at") `);
        await queryRunner.query(`CREATE TABLE "sessions" ("id" SERIAL NOT NULL, "user_id" integer NOT NULL, "key_hash" character varying(64) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'active', "created_at" bigint NOT NULL, "expires_at" bigint NOT NULL, "revoked_at" bigint, CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_user_id" ON "sessions" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_sessions_key_hash" ON "sessions" ("key_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at") `);
        await queryRunner.query(`CREATE TABLE "executions" ("id" character varying(36) NOT NULL, "user_id" integer NOT NULL, "session_id" integer, "correlation_id" character varying(64), "action" character varying(64) NOT NULL, "token" character varying(16), "amount_units" character varying(78), "fee_bps" integer NOT NULL, "fee_units" character varying(78), "status" character varying(16) NOT NULL, "tx_hash" character varying(66), "block_number" integer, "error_code" character varying(64), "error_message" character varying(500), "latency_ms" integer, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, CONSTRAINT "PK_703e64e0ef651986191844b7b8b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_executions_user_id" ON "executions" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_tx_hash" ON "executions" ("tx_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_created_at" ON "executions" ("created_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_status_updated_at" ON "executions" ("status", "updated_at") `);
        await queryRunner.query(`CREATE TABLE "token_totals" ("token" character varying(16) NOT NULL, "confirmed_count" integer NOT NULL DEFAULT '0', "amount_units" character varying(78) NOT NULL DEFAULT '0', "fee_units" character varying(78) NOT NULL DEFAULT '0', CONSTRAINT "PK_0690e1831a12aa826d1844be04b" PRIMARY KEY ("token"))`);
        await queryRunner.query(`CREATE TABLE "metrics_rollup" ("id" SERIAL NOT NULL, "hour_start" bigint NOT NULL, "route" character varying(128) NOT NULL, "method" character varying(8) NOT NULL, "requests" integer NOT NULL, "ok" integer NOT NULL, "client_errors" integer NOT NULL, "server_errors" integer NOT NULL, "rate_limited" integer NOT NULL, "avg_ms" double precision NOT NULL, "p50_ms" double precision NOT NULL, "p95_ms" double precision NOT NULL, "p99_ms" double precision NOT NULL, "max_ms" double precision NOT NULL, "unique_users" integer NOT NULL, CONSTRAINT "PK_33d1da85ac4975dff2e0511ffd6" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_metrics_rollup_hour_route_method" ON "metrics_rollup" ("hour_start", "route", "method") `);
        await queryRunner.query(`CREATE TABLE "rolled_hours" ("hour_start" bigint NOT NULL, "requests" integer NOT NULL, "rolled_at" bigint NOT NULL, CONSTRAINT "PK_ccbde4ff127ffe06db360ae51be" PRIMARY KEY ("hour_start"))`);
        await queryRunner.query(`CREATE TABLE "request_log" ("id" SERIAL NOT NULL, "ts" bigint NOT NULL, "method" character varying(8) NOT NULL, "route" character varying(128) NOT NULL, "status" integer NOT NULL, "duration_ms" double precision NOT NULL, "user_hash" character varying(64), "run_id" character varying(64), "correlation_id" character varying(64), "error_code" character varying(64), CONSTRAINT "PK_ae393b42f50b0399df4c90160d6" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_request_log_run_id_ts" ON "request_log" ("run_id", "ts") `);
        await queryRunner.query(`CREATE INDEX "IDX_request_log_ts" ON "request_log" ("ts") `);
        await queryRunner.query(`CREATE TABLE "siwe_nonces" ("nonce" character varying(64) NOT NULL, "expires_at" bigint NOT NULL, "used_at" bigint, CONSTRAINT "PK_3ebf3e8337bbace4370b581d3ca" PRIMARY KEY ("nonce"))`);
        await queryRunner.query(`CREATE INDEX "IDX_siwe_nonces_expires_at" ON "siwe_nonces" ("expires_at") `);
        await queryRunner.query(`CREATE TABLE "settings" ("key" character varying(64) NOT NULL, "value" text NOT NULL, CONSTRAINT "PK_c8639b7626fa94ba8265628f214" PRIMARY KEY ("key"))`);
        await queryRunner.query(`CREATE TABLE "traffic_runs" ("id" SERIAL NOT NULL, "run_id" character varying(64) NOT NULL, "kind" character varying(32) NOT NULL, "params" text NOT NULL, "started_at" bigint NOT NULL, "ended_at" bigint NOT NULL, "requests" integer NOT NULL, "ok_pct" double precision NOT NULL, "p50_ms" double precision NOT NULL, "p95_ms" double precision NOT NULL, "p99_ms" double precision NOT NULL, "http_5xx" integer NOT NULL, "top_error" character varying(64), "summary" text NOT NULL, CONSTRAINT "PK_d9b64e5b58de6c55853b9b257d5" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_traffic_runs_run_id" ON "traffic_runs" ("run_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_traffic_runs_started_at" ON "traffic_runs" ("started_at") `);
        await queryRunner.query(`ALTER TABLE "sessions" ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "executions" ADD CONSTRAINT "FK_4ba8462bca0a93643b5e6ad9cef" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "executions" ADD CONSTRAINT "FK_8ce22be3725d620dc6b15801091" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "executions" DROP CONSTRAINT "FK_8ce22be3725d620dc6b15801091"`);
        await queryRunner.query(`ALTER TABLE "executions" DROP CONSTRAINT "FK_4ba8462bca0a93643b5e6ad9cef"`);
        await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_traffic_runs_started_at"`);
        await queryRunner.query(`DROP INDEX "public"."UQ_traffic_runs_run_id"`);
        await queryRunner.query(`DROP TABLE "traffic_runs"`);
        await queryRunner.query(`DROP TABLE "settings"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_siwe_nonces_expires_at"`);
        await queryRunner.query(`DROP TABLE "siwe_nonces"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_request_log_ts"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_request_log_run_id_ts"`);
        await queryRunner.query(`DROP TABLE "request_log"`);
        await queryRunner.query(`DROP TABLE "rolled_hours"`);
        await queryRunner.query(`DROP INDEX "public"."UQ_metrics_rollup_hour_route_method"`);
        await queryRunner.query(`DROP TABLE "metrics_rollup"`);
        await queryRunner.query(`DROP TABLE "token_totals"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_status_updated_at"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_created_at"`);
        await queryRunner.query(`DROP INDEX "public"."UQ_executions_tx_hash"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_user_id"`);
        await queryRunner.query(`DROP TABLE "executions"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_sessions_expires_at"`);
        await queryRunner.query(`DROP INDEX "public"."UQ_sessions_key_hash"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_sessions_user_id"`);
        await queryRunner.query(`DROP TABLE "sessions"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_users_last_seen_at"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_users_first_seen_at"`);
        await queryRunner.query(`DROP INDEX "public"."UQ_users_address_hash"`);
        await queryRunner.query(`DROP TABLE "users"`);
    }

}
