// PostgreSQL migration history, in order. New entries come from
// `TELEMETRY_DB_URL=postgres://… npm run migration:generate -- src/database/migrations/postgres/<Name>`, reviewed by hand.
import { InitialSchema1795731386769 } from './1795731386769-InitialSchema';
import { ReceiptDepthAndSender1796210210681 } from './1796210210681-ReceiptDepthAndSender';
import { RunKeysAndLoadRunUsers1796212396014 } from './1796212396014-RunKeysAndLoadRunUsers';
import { RequestLogSpillId1796214000000 } from './1796214000000-RequestLogSpillId';
import { RequestLogBigintId1796215000000 } from './1796215000000-RequestLogBigintId';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const POSTGRES_MIGRATIONS: Function[] = [InitialSchema1795731386769, ReceiptDepthAndSender1796210210681, RunKeysAndLoadRunUsers1796212396014, RequestLogSpillId1796214000000, RequestLogBigintId1796215000000];
