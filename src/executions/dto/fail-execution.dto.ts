import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class FailExecutionDto {
  @ApiProperty({ example: 'USER_REJECTED', description: '[A-Z0-9_]{1,64}' })
  @IsString()
  @Matches(/^[A-Z0-9_]{1,64}$/, { message: 'errorCode must match [A-Z0-9_]{1,64}' })
  errorCode: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  errorMessage?: string;
}
