import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app.config';
import { computeFeeUnits } from './fee';

/** The configured fee (BLOSSOM_FEE_BPS, validated 10–50 at start-up) and quotes at it. */
@Injectable()
export class FeesService {
  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  get feeBps(): number {
    return this.config.feeBps;
  }

  quote(amountUnits: bigint, feeBps = this.feeBps): bigint {
    return computeFeeUnits(amountUnits, feeBps);
  }
}
