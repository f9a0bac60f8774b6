// Uploads to the Stream API at $CLOUDFLARE_BASE_URL (normally the local emulator, see
// ../tus-clients.sh) with tus-js-client, an independent tus client (pinned in package.json):
// a file of two chunks through tus creation, then the upload service. Passes when the
// emulator holds every byte, proven by its SHA-256 (GET /__emulator/uploads/{video}).
// Prints `PASS name` or `FAIL name: why`, then `N passed, M failed`; always exits 0.

import { Upload } from 'tus-js-client';
import { createHash } from 'node:crypto';

const base = process.env.CLOUDFLARE_BASE_URL;
const token = process.env.CLOUDFLARE_API_TOKEN || 'emulator-token';
const account = process.env.CLOUDFLARE_ACCOUNT_ID || '023e105f4ecef8ad9ca31a8372d0c353';
const origin = new URL(base).origin;

const CHUNK = 5 * 1024 * 1024;
const data = Buffer.alloc(CHUNK + 4_099);
for (let i = 0; i < data.length; i++) data[i] = (i * 13 + (i >> 12)) % 251;
const digest = createHash('sha256').update(data).digest('hex');

let passed = 0;
let failed = 0;
const report = (ok, name, why) => {
  if (ok) {
    passed++;
    console.log(`PASS ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}: ${why}`);
  }
};

try {
  const url = await new Promise((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint: `${base}/accounts/${account}/stream`,
      chunkSize: CHUNK,
      headers: { Authorization: `Bearer ${token}` },
      metadata: { name: 'tus-js-client.mp4' },
      retryDelays: [0, 100],
      onError: reject,
      onSuccess: () => resolve(upload.url),
    });
    upload.start();
  });
  const video = new URL(url).pathname.split('/').pop();
  const state = await (await fetch(`${origin}/__emulator/uploads/${video}`)).json();
  report(
    state.sha256 === digest && state.offset === data.length && state.received === data.length,
    'tus-js-client uploads two chunks byte for byte',
    JSON.stringify(state),
  );
} catch (error) {
  report(false, 'tus-js-client uploads two chunks byte for byte', String(error));
}
console.log(`${passed} passed, ${failed} failed`);
