// npm run load-test -- [--users=100 --read-concurrency=50 --exec-concurrency=5 --mode=read-only|full]
import { runTool } from '../lib/cli';
import { mainLoad } from './presets';

void runTool(() => mainLoad('load-test', process.argv.slice(2)));
