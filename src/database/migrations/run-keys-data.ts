// The data steps of the RunKeysAndLoadRunUsers migrations: the same SQL on SQLite and PostgreSQL. Part of those
// migrations' history: never change it.
import { QueryRunner } from 'typeorm';

export async function runKeysDataUp(queryRunner: QueryRunner): Promise<void> {
    // Run ids a client named in a bare x-run-id header that no recorded run has are not a run's traffic.
    await queryRunner.query(`UPDATE "request_log" SET "run_id" = NULL WHERE "run_id" IS NOT NULL AND "run_id" NOT IN (SELECT "run_id" FROM "traffic_runs")`);
    // Rolled hours whose raw rows are still kept get their run-request counts; pruned hours stay at 0 (unknown).
    await queryRunner.query(`UPDATE "metrics_rollup" SET "run_requests" = (SELECT COUNT(*) FROM "request_log" "r" WHERE "r"."run_id" IS NOT NULL ` +
        `AND "r"."ts" >= "metrics_rollup"."hour_start" AND "r"."ts" < "metrics_rollup"."hour_start" + 3600000 ` +
        `AND ("metrics_rollup"."route" = '*' OR ("r"."route" = "metrics_rollup"."route" AND "r"."method" = "metrics_rollup"."method")))`);
}

/** Open runs have no measurements, which the older schema requires. */
export async function runKeysDataDown(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "traffic_runs" WHERE "ended_at" IS NULL`);
}
