import { Execution } from '../executions/execution.entity';
import { TokenTotal } from '../executions/token-total.entity';
import { MetricsRollup } from '../traffic/metrics-rollup.entity';
import { RolledHour } from '../traffic/rolled-hour.entity';
import { RequestLog } from '../traffic/request-log.entity';
import { Session } from '../sessions/session.entity';
import { SiweNonce } from '../sessions/siwe-nonce.entity';
import { Setting } from '../users/setting.entity';
import { TrafficRun } from '../traffic/traffic-run.entity';
import { User } from '../users/user.entity';

/** Every entity of the schema; the migrations of each driver must reproduce exactly these. */
export const ENTITIES = [User, Session, SiweNonce, Execution, TokenTotal, RequestLog, MetricsRollup, RolledHour, TrafficRun, Setting];
