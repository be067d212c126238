import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class SubmitExecutionDto {
  @ApiProperty({ description: 'Transaction hash: 0x + 64 hex' })
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{64}$/, { message: 'txHash must be 0x + 64 hex characters' })
  txHash: string;
}
