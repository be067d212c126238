// Child process started by test/support/devnet.ts: a ganache node on 127.0.0.1 (port chosen by the OS).
// Runs outside the test process so the EVM's CPU work never stalls the app's event loop under test.
// Prints one JSON line {"port":N} once listening; exits when its stdin closes (parent gone) or on SIGTERM.
'use strict';
const ganache = require('ganache');

const server = ganache.server({
  logging: { quiet: true },
  chain: { chainId: Number(process.env.DEVNET_CHAIN_ID) },
  wallet: { accounts: [{ secretKey: process.env.DEVNET_FUNDED_KEY, balance: process.env.DEVNET_BALANCE_WEI_HEX }] },
});

let closing = false;
function stop() {
  if (closing) return;
  closing = true;
  server.close().finally(() => process.exit(0));
}

server.listen(0, '127.0.0.1').then(
  () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`),
  (err) => {
    process.stderr.write(`ganache failed to start: ${err.message}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
