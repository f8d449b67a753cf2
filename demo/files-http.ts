/**
 * The HTTP side of files: `PUT /files/<id>?k=<put key>` takes the bytes of a slot (from any origin: the key
 * is the credential, no cookie is involved), `GET /files/<id>?k=<read key>` serves them to the
 * conversation's visitor, and to a signed-in agent without a key. Served files can do nothing on this
 * origin: `nosniff`, a sandboxing CSP, `attachment` for anything but raster images, never SVG inline.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { agentAccess } from './agent-access.ts';
import type { TeamAuth } from './auth.ts';
import { disposition } from './files-check.ts';
import type { FileStore } from './files.ts';

const FILE_PATH = /^\/files\/([A-Za-z0-9_-]{22})$/;

/** Nothing in a served file runs, loads or frames: it is data. */
const FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

/** Handles `/files/…`; false for any other path. */
export async function handleFileRoute(req: IncomingMessage, res: ServerResponse, pathname: string, files: FileStore, auth: TeamAuth): Promise<boolean> {
  const id = FILE_PATH.exec(pathname)?.[1];
  if (id === undefined) return false;
  const key = new URL(req.url ?? '/', 'http://localhost').searchParams.get('k') ?? undefined;
  const end = (status: number, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', ...headers });
    res.end(`${message}\n`);
  };
  // The widget runs on the shop's origin and uploads here: the slot's key, not a cookie, authorizes it.
  const cors = { 'Access-Control-Allow-Origin': '*' };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600' });
    res.end();
    return true;
  }
  if (req.method === 'PUT') {
    const result = key === undefined ? ({ status: 403, message: 'No key.' } as const) : await files.put(id, key, req);
    if (result.status === 201) end(201, 'Stored.', cors);
    else end(result.status, result.message, { ...cors, Connection: 'close' });
    if (result.status !== 201) req.resume();
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    end(405, 'Method not allowed', { Allow: 'GET, HEAD, PUT, OPTIONS' });
    return true;
  }
  const file = files.read(id, key, key === undefined && agentAccess(req, auth).ok);
  if (!file) {
    end(404, 'Not found');
    return true;
  }
  res.writeHead(200, {
    'Content-Type': file.type,
    'Content-Length': String(file.size),
    'Content-Disposition': disposition(file.type, file.name),
    'Content-Security-Policy': FILE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Cache-Control': 'private, max-age=86400',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file.path).pipe(res);
  return true;
}
