import { ApiProperty } from '@nestjs/swagger';
import { isAddress } from 'ethers';
import { ValidateBy } from 'class-validator';

/** 0x + 40 hex; all-lower or all-upper case is accepted as is, mixed case must be a valid EIP-55 checksum. */
function IsEvmAddress(): PropertyDecorator {
  return ValidateBy({
    name: 'isEvmAddress',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value) && isAddress(value),
      defaultMessage: () => 'address must be 0x + 40 hex characters, with a valid EIP-55 checksum when mixed case',
    },
  });
}

export class AavePositionsQueryDto {
  @ApiProperty({ description: 'Wallet address', example: '0x0000000000000000000000000000000000000001' })
  @IsEvmAddress()
  address: string;
}
