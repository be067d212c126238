// executions: block_hash (reorg detection); tx_hash unique per user plus unique among confirmed executions (a claim by
// another wallet never blocks the sender's own); (status, block_number) for the reorg re-check. Generated, then reviewed.
// Reverting restores the global unique tx_hash index, which fails while two users' executions share a hash.
import { MigrationInterface, QueryRunner } from "typeorm";

export class ReceiptDepthAndSender1796210182455 implements MigrationInterface {
    name = 'ReceiptDepthAndSender1796210182455'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "UQ_executions_tx_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_status_updated_at"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_created_at"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_user_id"`);
        await queryRunner.query(`CREATE TABLE "temporary_executions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "session_id" integer, "correlation_id" varchar(64), "action" varchar(64) NOT NULL, "token" varchar(16), "amount_units" varchar(78), "fee_bps" integer NOT NULL, "fee_units" varchar(78), "status" varchar(16) NOT NULL, "tx_hash" varchar(66), "block_number" integer, "error_code" varchar(64), "error_message" varchar(500), "latency_ms" integer, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "block_hash" varchar(66), CONSTRAINT "FK_8ce22be3725d620dc6b15801091" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT "FK_4ba8462bca0a93643b5e6ad9cef" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_executions"("id", "user_id", "session_id", "correlation_id", "action", "token", "amount_units", "fee_bps", "fee_units", "status", "tx_hash", "block_number", "error_code", "error_message", "latency_ms", "created_at", "updated_at") SELECT "id", "user_id", "session_id", "correlation_id", "action", "token", "amount_units", "fee_bps", "fee_units", "status", "tx_hash", "block_number", "error_code", "error_message", "latency_ms", "created_at", "updated_at" FROM "executions"`);
        await queryRunner.query(`DROP TABLE "executions"`);
        await queryRunner.query(`ALTER TABLE "temporary_executions" RENAME TO "executions"`);
        await queryRunner.query(`CREATE INDEX "IDX_executions_status_updated_at" ON "executions" ("status", "updated_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_created_at" ON "executions" ("created_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_user_id" ON "executions" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_confirmed_tx_hash" ON "executions" ("tx_hash") WHERE "status" = 'confirmed'`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_user_id_tx_hash" ON "executions" ("user_id", "tx_hash") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_status_block_number" ON "executions" ("status", "block_number") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_executions_status_block_number"`);
        await queryRunner.query(`DROP INDEX "UQ_executions_user_id_tx_hash"`);
        await queryRunner.query(`DROP INDEX "UQ_executions_confirmed_tx_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_user_id"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_created_at"`);
        await queryRunner.query(`DROP INDEX "IDX_executions_status_updated_at"`);
        await queryRunner.query(`ALTER TABLE "executions" RENAME TO "temporary_executions"`);
        await queryRunner.query(`CREATE TABLE "executions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "session_id" integer, "correlation_id" varchar(64), "action" varchar(64) NOT NULL, "token" varchar(16), "amount_units" varchar(78), "fee_bps" integer NOT NULL, "fee_units" varchar(78), "status" varchar(16) NOT NULL, "tx_hash" varchar(66), "block_number" integer, "error_code" varchar(64), "error_message" varchar(500), "latency_ms" integer, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, CONSTRAINT "FK_8ce22be3725d620dc6b15801091" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT "FK_4ba8462bca0a93643b5e6ad9cef" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "executions"("id", "user_id", "session_id", "correlation_id", "action", "token", "amount_units", "fee_bps", "fee_units", "status", "tx_hash", "block_number", "error_code", "error_message", "latency_ms", "created_at", "updated_at") SELECT "id", "user_id", "session_id", "correlation_id", "action", "token", "amount_units", "fee_bps", "fee_units", "status", "tx_hash", "block_number", "error_code", "error_message", "latency_ms", "created_at", "updated_at" FROM "temporary_executions"`);
        await queryRunner.query(`DROP TABLE "temporary_executions"`);
        await queryRunner.query(`CREATE INDEX "IDX_executions_user_id" ON "executions" ("user_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_created_at" ON "executions" ("created_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_status_updated_at" ON "executions" ("status", "updated_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_tx_hash" ON "executions" ("tx_hash") `);
    }

}
