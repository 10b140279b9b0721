/**
 * The "internet" the travelers want: answers every path on http://<host>/ and https://<host>/ with
 * a small page naming the path, so a test can tell that the website itself answered. Run inside
 * the internet namespace: `node --import tsx stand-in-website.ts <host> <cert.pem> <key.pem>`.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const [host, certFile, keyFile] = process.argv.slice(2);
if (!host || !certFile || !keyFile) throw new Error('usage: stand-in-website.ts <host> <cert.pem> <key.pem>');

const answer: http.RequestListener = (req, res) => {
  const where = String(req.url ?? '/').replace(/[<>&"]/g, '');
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(`<!doctype html><title>Stand-in website</title><h1>Stand-in website</h1><p id="path">${where}</p>`);
};

let listening = 0;
const ready = () => {
  listening += 1;
  if (listening === 2) process.stdout.write(`stand-in website listening on ${host}:80 and ${host}:443\n`);
};
http.createServer(answer).listen(80, host, ready);
https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, answer).listen(443, host, ready);
process.on('SIGTERM', () => process.exit(0));
