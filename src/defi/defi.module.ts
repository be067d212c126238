import { Module } from '@nestjs/common';
import { ChainModule } from '../chain/chain.module';
import { DefiController } from './defi.controller';
import { DefiService } from './defi.service';

@Module({
  imports: [ChainModule],
  controllers: [DefiController],
  providers: [DefiService],
})
export class DefiModule {}
