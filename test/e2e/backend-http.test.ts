/**
 * The reference backend's plain HTTP, byte for byte: the widget's files from `dist/` (the built
 * natter.js and its map, copied, and chunks beside them) compressed as the browser accepts, with an ETag
 * and cache headers, and nothing outside `dist/` however the path is written. Requests go out with
 * `node:http` or a raw socket, so that nothing between the test and the server decodes the body or tidies
 * the request target up.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startServer, type RunningServer } from '../../demo/start';
import { root } from './harness';

/** Every buffer the server compressed, by encoding: the server should compress once per file version. */
const compressedInputs = vi.hoisted(() => ({ br: [] as Buffer[], gzip: [] as Buffer[] }));
vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof import('node:zlib')>();
  const counted = (encoding: 'br' | 'gzip', original: (...args: never[]) => unknown) =>
    (...args: unknown[]) => {
      compressedInputs[encoding].push(Buffer.from(args[0] as Buffer));
      return (original as (...a: unknown[]) => unknown)(...args);
    };
  return { ...zlib, brotliCompress: counted('br', zlib.brotliCompress), gzip: counted('gzip', zlib.gzip) };
});

const tmp = mkdtempSync(path.join(tmpdir(), 'natter-http-'));
const dist = path.join(tmp, 'dist');
const SECRET = 'not-for-the-web-0b5c';
let server: RunningServer;

/** A chunk as a first stage would load it: a few KB of script that compresses well. */
const chunk = Array.from({ length: 200 }, (_, i) => `export const text${i} = "Natter chunk line ${i}";`).join('\n');

beforeAll(async () => {
  mkdirSync(path.join(dist, 'esm'), { recursive: true });
  for (const file of ['natter.js', 'natter.js.map']) copyFileSync(path.join(root, 'dist', file), path.join(dist, file));
  writeFileSync(path.join(dist, 'chunk-panel.js'), chunk);
  writeFileSync(path.join(dist, 'tiny.js'), ';');
  writeFileSync(path.join(dist, 'esm', 'index.js'), `export const secret = "${SECRET}";`);
  writeFileSync(path.join(dist, 'notes.txt'), SECRET);
  // Next to dist/, with names that would be served if they were inside it.
  writeFileSync(path.join(tmp, 'secret.js'), SECRET);
  writeFileSync(path.join(tmp, 'secret.js.map'), SECRET);
  server = await startServer({ port: 0, dataDir: path.join(tmp, 'data'), distDir: dist, bot: false });
});

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** As sent: still compressed. */
  body: Buffer;
}

function get(pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: pathname, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function decode(answer: Answer): Buffer {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(answer.body);
  if (encoding === 'gzip') return gunzipSync(answer.body);
  expect(encoding).toBeUndefined();
  return answer.body;
}

/** Sends `GET <target>` as written and returns the status and body (status 0: no answer in 5 s). */
function raw(target: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n`);
    });
    let response = '';
    socket.on('data', (data) => (response += data));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0), text: response }));
  });
}

const fileBytes = (name: string) => readFileSync(path.join(dist, name));

const served = [
  { name: 'natter.js', type: 'text/javascript; charset=utf-8' },
  { name: 'natter.js.map', type: 'application/json; charset=utf-8' },
  { name: 'chunk-panel.js', type: 'text/javascript; charset=utf-8' },
];

describe.each(served)('/$name', ({ name, type }) => {
  test.each([
    { accept: 'gzip, deflate, br, zstd', encoding: 'br' },
    { accept: 'br', encoding: 'br' },
    { accept: 'gzip', encoding: 'gzip' },
    { accept: 'br;q=0, gzip', encoding: 'gzip' },
    { accept: 'gzip;q=1, br;q=0.5', encoding: 'gzip' },
    { accept: '*', encoding: 'br' },
    { accept: 'identity', encoding: undefined },
    { accept: '', encoding: undefined },
  ])('Accept-Encoding "$accept" gets $encoding, which decodes to the file', async ({ accept, encoding }) => {
    const answer = await get(`/${name}`, accept === '' ? {} : { 'Accept-Encoding': accept });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe(encoding);
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    expect(decode(answer).equals(fileBytes(name))).toBe(true);
    if (encoding !== undefined) expect(answer.body.length).toBeLessThan(fileBytes(name).length);
  });

  test('headers: type, cache for a URL without a version, an ETag per encoding, Vary', async () => {
    const [plain, br, gzip] = await Promise.all([
      get(`/${name}`),
      get(`/${name}`, { 'Accept-Encoding': 'br' }),
      get(`/${name}`, { 'Accept-Encoding': 'gzip' }),
    ]);
    for (const answer of [plain, br, gzip]) {
      expect(answer.headers).toMatchObject({
        'content-type': type,
        'cache-control': 'public, max-age=300, stale-while-revalidate=86400',
        vary: 'Accept-Encoding',
        'x-content-type-options': 'nosniff',
        'access-control-allow-origin': '*',
      });
      expect(answer.headers.etag).toMatch(/^"[0-9a-f]{32}(-br|-gzip)?"$/);
    }
    // One content, three representations: three strong ETags that share the content's hash.
    expect(new Set([plain, br, gzip].map((a) => a.headers.etag)).size).toBe(3);
    expect(br.headers.etag).toBe(plain.headers.etag!.replace(/"$/, '-br"'));
  });

  test('If-None-Match with the ETag gets 304 without a body; another ETag gets the file', async () => {
    const first = await get(`/${name}`, { 'Accept-Encoding': 'br' });
    const etag = first.headers.etag!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"older", ${etag}`, '*']) {
      const again = await get(`/${name}`, { 'Accept-Encoding': 'br', 'If-None-Match': ifNoneMatch });
      expect(again.status, ifNoneMatch).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers).toMatchObject({ etag, vary: 'Accept-Encoding', 'cache-control': 'public, max-age=300, stale-while-revalidate=86400' });
      expect(again.headers['content-length']).toBeUndefined();
    }
    // The br copy's ETag does not validate a gzip or a plain copy.
    expect((await get(`/${name}`, { 'Accept-Encoding': 'gzip', 'If-None-Match': etag })).status).toBe(200);
    expect((await get(`/${name}`, { 'If-None-Match': etag })).status).toBe(200);
    expect((await get(`/${name}`, { 'Accept-Encoding': 'br', 'If-None-Match': '"older"' })).status).toBe(200);
  });

  test('HEAD gets the headers of GET and no body', async () => {
    const [head, full] = await Promise.all([get(`/${name}`, { 'Accept-Encoding': 'gzip' }, 'HEAD'), get(`/${name}`, { 'Accept-Encoding': 'gzip' })]);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(full.headers['content-length']);
    expect(head.headers.etag).toBe(full.headers.etag);
  });
});

test('a file that compression does not shrink is sent as it is', async () => {
  const answer = await get('/tiny.js', { 'Accept-Encoding': 'br, gzip' });
  expect(answer.status).toBe(200);
  expect(answer.headers['content-encoding']).toBeUndefined();
  expect(answer.body.toString()).toBe(';');
  expect(answer.headers.vary).toBe('Accept-Encoding');
});

test('each version of a file is compressed once, however many ask, also at the same time', async () => {
  const name = 'chunk-versioned.js';
  const compressions = (encoding: 'br' | 'gzip', content: string) =>
    compressedInputs[encoding].filter((input) => input.equals(Buffer.from(content))).length;

  const v1 = `${chunk}\n// version 1`;
  writeFileSync(path.join(dist, name), v1);
  const first = await Promise.all([1, 2, 3].map(() => get(`/${name}`, { 'Accept-Encoding': 'br' })));
  await get(`/${name}`, { 'Accept-Encoding': 'br' });
  await get(`/${name}`, { 'Accept-Encoding': 'gzip' });
  await get(`/${name}`, { 'Accept-Encoding': 'gzip' });
  expect(compressions('br', v1)).toBe(1);
  expect(compressions('gzip', v1)).toBe(1);
  expect(new Set(first.map((a) => a.headers.etag)).size).toBe(1);

  // A rebuild: the next request gets the new file, a new ETag, and the old ETag no longer matches.
  const v2 = `${chunk}\n// version 2, a little longer`;
  writeFileSync(path.join(dist, name), v2);
  const second = await get(`/${name}`, { 'Accept-Encoding': 'br', 'If-None-Match': first[0]!.headers.etag! });
  expect(second.status).toBe(200);
  expect(decode(second).toString()).toBe(v2);
  expect(second.headers.etag).not.toBe(first[0]!.headers.etag);
  await get(`/${name}`, { 'Accept-Encoding': 'br' });
  expect(compressions('br', v2)).toBe(1);
});

test('without a build, natter.js says how to make one, and its map is missing', async () => {
  renameSync(path.join(dist, 'natter.js'), path.join(dist, 'natter.js.away'));
  renameSync(path.join(dist, 'natter.js.map'), path.join(dist, 'natter.js.map.away'));
  try {
    const script = await get('/natter.js');
    expect(script.status).toBe(503);
    expect(script.body.toString()).toContain('npm run build');
    expect((await get('/natter.js.map')).status).toBe(404);
    expect((await get('/chunk-nowhere.js')).status).toBe(404);
  } finally {
    renameSync(path.join(dist, 'natter.js.away'), path.join(dist, 'natter.js'));
    renameSync(path.join(dist, 'natter.js.map.away'), path.join(dist, 'natter.js.map'));
  }
});

test('only GET and HEAD', async () => {
  const answer = await get('/natter.js', {}, 'POST');
  expect(answer.status).toBe(405);
  expect(answer.headers.allow).toBe('GET, HEAD');
});

test('nothing outside dist/, nor in its subfolders, nor other than scripts and maps, however the path is written', async () => {
  const outside = path.join(tmp, 'secret.js');
  const targets = [
    '/../secret.js',
    '/../../secret.js',
    '/natter.js/../../secret.js',
    '/%2e%2e/secret.js',
    '/%2E%2E/secret.js.map',
    '/..%2fsecret.js',
    '/%2e%2e%2fsecret.js',
    '/..%5csecret.js',
    '/..\\secret.js',
    '/esm/index.js',
    '/esm%2findex.js',
    '/notes.txt',
    '/.%2fnotes.txt',
    `/${outside}`,
    `/${encodeURIComponent(outside)}`,
    `//${outside}`,
    `${outside}`,
    `http://127.0.0.1:${server.port}/../secret.js`,
    `http://127.0.0.1:${server.port}${outside}`,
    '/secret.js%00.js',
    '/.js',
  ];
  for (const target of targets) {
    const answer = await raw(target);
    expect([400, 404], target).toContain(answer.status);
    expect(answer.text, target).not.toContain(SECRET);
  }
  // The same files are there to be had by their proper names.
  expect((await get('/natter.js')).status).toBe(200);
});

test('a request target that is no URL path gets 400, and the server stays up', async () => {
  for (const target of ['//[', '//a:b/natter.js']) expect((await raw(target)).status, target).toBe(400);
  expect((await get('/healthz')).status).toBe(200);
});
