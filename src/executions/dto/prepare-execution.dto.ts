import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** A positive integer of base units, at most 40 digits (< 10^40): no sign, decimals, exponent or hex. */
export const AMOUNT_UNITS = /^[1-9][0-9]{0,39}$/;

export class PrepareExecutionDto {
  @ApiProperty({ example: 'uniswap-v3-swap', description: 'One of the adapters listed by preflight' })
  @IsString()
  @MaxLength(64)
  action: string;

  @ApiPropertyOptional({ example: 'USDC', description: 'A token symbol listed by preflight; required with amount' })
  @ValidateIf((o: PrepareExecutionDto) => o.token !== undefined || o.amount !== undefined)
  @IsString({ message: 'token must be a string (and is required with amount)' })
  @MaxLength(16)
  token?: string;

  @ApiPropertyOptional({ example: '1500000', description: 'Positive integer string of base units, at most 40 digits' })
  // Not IsOptional: that would let null through; only an absent amount is optional.
  @ValidateIf((o: PrepareExecutionDto) => o.amount !== undefined)
  @IsString({ message: 'amount must be a string of base units' })
  @Matches(AMOUNT_UNITS, { message: 'amount must be a positive integer string of base units with at most 40 digits' })
  amount?: string;

  @ApiPropertyOptional({ description: 'Check and quote only; nothing is stored' })
  @IsOptional()
  @IsBoolean()
  validateOnly?: boolean;

  @ApiPropertyOptional({ description: 'Defaults to the request x-correlation-id' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'correlationId must match [A-Za-z0-9._:-]{1,64}' })
  correlationId?: string;
}
