// npm run devnet:load -- [--users=1500 --read-concurrency=200 --duration=60 --run-id=auto]
import { runTool } from '../lib/cli';
import { mainLoad } from './presets';

void runTool(() => mainLoad('devnet-load', process.argv.slice(2)));
