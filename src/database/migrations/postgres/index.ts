// PostgreSQL migration history, in order. New entries come from
// `TELEMETRY_DB_URL=postgres://… npm run migration:generate -- src/database/migrations/postgres/<Name>`, reviewed by hand.
import { InitialSchema1795731386769 } from './1795731386769-InitialSchema';
import { RequestLogSpillId1796210320635 } from './1796210320635-RequestLogSpillId';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const POSTGRES_MIGRATIONS: Function[] = [InitialSchema1795731386769, RequestLogSpillId1796210320635];
