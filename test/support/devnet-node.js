// Child process started by test/support/devnet.ts: runs Foundry's anvil (the binary shipped in the npm package
// @foundry-rs/anvil-<platform>-<arch>) on 127.0.0.1 with a port chosen by the OS, and watches over it so that the node
// never outlives the tests: when this process's stdin closes (the test process died, even by SIGKILL) or it gets
// SIGTERM, anvil is stopped too.
// Prints one JSON line {"port":N} once anvil listens; exits with anvil.
'use strict';
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');

// npm's names for the CPU differ from Node's; the wrapper in @foundry-rs/anvil maps them the same way.
const ARCH = { x64: 'amd64', arm64: 'arm64' };
const exe = process.platform === 'win32' ? 'anvil.exe' : 'anvil';
const binary = require.resolve(`@foundry-rs/anvil-${process.platform}-${ARCH[process.arch]}/bin/${exe}`);

const anvil = spawn(
  binary,
  ['--host', '127.0.0.1', '--port', '0', '--chain-id', process.env.DEVNET_CHAIN_ID, '--accounts', '0', '--color', 'never'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);

// anvil names the port only in its banner ("Listening on 127.0.0.1:N"); after that it logs one line per RPC call,
// which is read and dropped so the pipe never fills.
const lines = createInterface({ input: anvil.stdout });
let announced = false;
lines.on('line', (line) => {
  if (announced) return;
  const match = /^Listening on 127\.0\.0\.1:(\d+)$/.exec(line.trim());
  if (!match) return;
  announced = true;
  process.stdout.write(`${JSON.stringify({ port: Number(match[1]) })}\n`);
});

anvil.once('error', (err) => {
  process.stderr.write(`anvil failed to start: ${err.message}\n`);
  process.exit(1);
});
anvil.once('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 0 : 1)));

function stop() {
  if (anvil.exitCode === null && anvil.signalCode === null) anvil.kill('SIGTERM');
}
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
