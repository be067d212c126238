import { Module } from '@nestjs/common';
import { ChainModule } from '../chain/chain.module';
import { UsersModule } from '../users/users.module';
import { DefiController } from './defi.controller';
import { DefiService } from './defi.service';

@Module({
  imports: [ChainModule, UsersModule],
  controllers: [DefiController],
  providers: [DefiService],
})
export class DefiModule {}
