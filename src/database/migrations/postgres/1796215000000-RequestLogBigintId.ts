// request_log.id as bigint: SERIAL is a 32-bit integer, which one row per served request exhausts in ~25 days at
// 1,000 requests a second (every INSERT would then fail). Rewrites the table once, under an exclusive lock: on a large
// log, expect the first start of this version to take about as long as copying the table.
import { MigrationInterface, QueryRunner } from "typeorm";

export class RequestLogBigintId1796215000000 implements MigrationInterface {
    name = 'RequestLogBigintId1796215000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER SEQUENCE "request_log_id_seq" AS bigint`);
        await queryRunner.query(`ALTER TABLE "request_log" ALTER COLUMN "id" TYPE bigint`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // Fails once an id has passed 2^31 - 1, which is the reason for up().
        await queryRunner.query(`ALTER TABLE "request_log" ALTER COLUMN "id" TYPE integer`);
        await queryRunner.query(`ALTER SEQUENCE "request_log_id_seq" AS integer`);
    }

}
