// executions: block_hash (reorg detection); tx_hash unique per user plus unique among confirmed executions (a claim by
// another wallet never blocks the sender's own); (status, block_number) for the reorg re-check. Generated, then reviewed.
// Reverting restores the global unique tx_hash index, which fails while two users' executions share a hash.
import { MigrationInterface, QueryRunner } from "typeorm";

export class ReceiptDepthAndSender1796210210681 implements MigrationInterface {
    name = 'ReceiptDepthAndSender1796210210681'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."UQ_executions_tx_hash"`);
        await queryRunner.query(`ALTER TABLE "executions" ADD "block_hash" character varying(66)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_confirmed_tx_hash" ON "executions" ("tx_hash") WHERE "status" = 'confirmed'`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_user_id_tx_hash" ON "executions" ("user_id", "tx_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_status_block_number" ON "executions" ("status", "block_number") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_status_block_number"`);
        await queryRunner.query(`DROP INDEX "public"."UQ_executions_user_id_tx_hash"`);
        await queryRunner.query(`DROP INDEX "public"."UQ_executions_confirmed_tx_hash"`);
        await queryRunner.query(`ALTER TABLE "executions" DROP COLUMN "block_hash"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_tx_hash" ON "executions" ("tx_hash") `);
    }

}
