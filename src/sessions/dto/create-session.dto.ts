import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class CreateSessionDto {
  @ApiProperty({ description: 'The EIP-4361 message exactly as signed' })
  @IsString()
  @MaxLength(4096)
  message: string;

  @ApiProperty({ description: 'EIP-191 personal_sign signature: 0x + 130 hex', example: '0x…' })
  @IsString()
  @MaxLength(1024)
  signature: string;
}
