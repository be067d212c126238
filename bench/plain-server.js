// The machine's ceiling (an anchor of the request-path phase): node:http answering fixed bodies with no framework at
// all. Plain JavaScript so it starts in milliseconds; PLAIN_BODIES maps a path to { status, body }.
'use strict';
const http = require('node:http');

const bodies = JSON.parse(process.env.PLAIN_BODIES || '{}');
const notFound = { status: 404, body: '{"ok":false,"error":{"code":"NOT_FOUND","message":"Not found"}}' };

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  const answer = bodies[path] || notFound;
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
