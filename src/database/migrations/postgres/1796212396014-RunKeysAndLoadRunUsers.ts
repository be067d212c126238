// traffic_runs gain the hash of their secret key and may be open (no end, no measurements yet); metrics_rollup counts
// the requests of runs per row; users get an index for counting load-run wallets. Generated, then data steps added.
import { MigrationInterface, QueryRunner } from "typeorm";
import { runKeysDataDown, runKeysDataUp } from "../run-keys-data";

export class RunKeysAndLoadRunUsers1796212396014 implements MigrationInterface {
    name = 'RunKeysAndLoadRunUsers1796212396014'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "metrics_rollup" ADD "run_requests" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ADD "key_hash" character varying(64)`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "ended_at" DROP NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "requests" DROP NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "ok_pct" DROP NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "p50_ms" DROP NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "p95_ms" DROP NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "p99_ms" DROP NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "http_5xx" DROP NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "summary" DROP NOT NULL`);
        await queryRunner.query(`CREATE INDEX "IDX_users_source_first_seen_at" ON "users" ("source", "first_seen_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_traffic_runs_key_hash" ON "traffic_runs" ("key_hash") `);
        await runKeysDataUp(queryRunner);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await runKeysDataDown(queryRunner);
        await queryRunner.query(`DROP INDEX "public"."UQ_traffic_runs_key_hash"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_users_source_first_seen_at"`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "summary" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "http_5xx" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "p99_ms" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "p95_ms" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "p50_ms" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "ok_pct" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "requests" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" ALTER COLUMN "ended_at" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "traffic_runs" DROP COLUMN "key_hash"`);
        await queryRunner.query(`ALTER TABLE "metrics_rollup" DROP COLUMN "run_requests"`);
    }

}
