import { EntitySchema } from 'typeorm';
import { Execution } from '../executions/execution.entity';
import { TokenTotal } from '../executions/token-total.entity';
import { MetricsRollup } from '../traffic/metrics-rollup.entity';
import { RolledHour } from '../traffic/rolled-hour.entity';
import { requestLogSchema } from '../traffic/request-log.entity';
import { Session } from '../sessions/session.entity';
import { SiweNonce } from '../sessions/siwe-nonce.entity';
import { Setting } from '../users/setting.entity';
import { TrafficRun } from '../traffic/traffic-run.entity';
import { User } from '../users/user.entity';
import type { DialectKind } from './dialect';

/** Every entity of the schema on `kind`; the migrations of each driver must reproduce exactly these. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function entitiesFor(kind: DialectKind): (Function | EntitySchema)[] {
  return [User, Session, SiweNonce, Execution, TokenTotal, requestLogSchema(kind), MetricsRollup, RolledHour, TrafficRun, Setting];
}
