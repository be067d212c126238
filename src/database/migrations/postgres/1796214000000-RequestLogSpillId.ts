// request_log.spill_id: the key that lets the shutdown spill file be replayed without writing a row twice.
import { MigrationInterface, QueryRunner } from "typeorm";

export class RequestLogSpillId1796214000000 implements MigrationInterface {
    name = 'RequestLogSpillId1796214000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "request_log" ADD "spill_id" character varying(36)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_request_log_spill_id" ON "request_log" ("spill_id") WHERE "spill_id" IS NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."UQ_request_log_spill_id"`);
        await queryRunner.query(`ALTER TABLE "request_log" DROP COLUMN "spill_id"`);
    }

}
