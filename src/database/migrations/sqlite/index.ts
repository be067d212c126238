// SQLite migration history, in order. New entries come from `npm run migration:generate`, reviewed by hand.
import { InitialSchema1795730793677 } from './1795730793677-InitialSchema';
import { Float64Columns1795731350503 } from './1795731350503-Float64Columns';
import { ReceiptDepthAndSender1796210182455 } from './1796210182455-ReceiptDepthAndSender';
import { RunKeysAndLoadRunUsers1796212396013 } from './1796212396013-RunKeysAndLoadRunUsers';
import { RequestLogSpillId1796214000000 } from './1796214000000-RequestLogSpillId';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const SQLITE_MIGRATIONS: Function[] = [InitialSchema1795730793677, Float64Columns1795731350503, ReceiptDepthAndSender1796210182455, RunKeysAndLoadRunUsers1796212396013, RequestLogSpillId1796214000000];
