// What every phase is given: the driver and app entry under test, a scratch folder, and the run's common settings.
import { Driver } from './figures';
import { AppEntry } from './processes';

export interface PhaseContext {
  driver: Driver;
  entry: AppEntry;
  dir: string;
  pgServerUrl?: string;
  runs: number;
  /** Seconds per load run. */
  durationS: number;
  log(line: string): void;
}
