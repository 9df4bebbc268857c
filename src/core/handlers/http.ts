// The `http` kind (webhooks, "send a message"): one request with Node's fetch. Network
// errors are typed and retryable, 5xx retryable, 4xx not unless the task says so.
import { z } from 'zod';
import { KindError, type KindDefinition, type RunContext } from '../kinds';

const BODY_LIMIT = 64 * 1024;

export const httpInput = z.strictObject({
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
  headers: z.record(z.string(), z.string()).default({}),
  /** A string is sent as text; anything else as JSON. */
  body: z.unknown().optional(),
  timeoutMs: z.int().min(1).max(3_600_000).default(30_000),
  /** Statuses that count as success; default: any 2xx. */
  expectStatus: z.array(z.int().min(100).max(599)).min(1).optional(),
  retryOn4xx: z.boolean().default(false),
});
export type HttpInput = z.output<typeof httpInput>;

export interface HttpResult { status: number; headers: Record<string, string>; body: string; truncated: boolean }

function networkError(error: unknown, input: HttpInput, timedOut: boolean): KindError {
  if (timedOut) return new KindError('HTTP_TIMEOUT', `no answer from ${input.url} within ${input.timeoutMs} ms`);
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? '';
  const host = new URL(input.url).host;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new KindError('HTTP_DNS', `cannot resolve ${host}`);
  if (code === 'ECONNREFUSED') return new KindError('HTTP_REFUSED', `${host} refused the connection`);
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return new KindError('HTTP_RESET', `${host} closed the connection`);
  return new KindError('HTTP_NETWORK', `request to ${host} failed: ${cause?.message ?? (error as Error).message}`);
}

async function readBody(res: Response): Promise<{ body: string; truncated: boolean }> {
  if (!res.body) return { body: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (size + chunk.length > BODY_LIMIT) {
      chunks.push(chunk.subarray(0, BODY_LIMIT - size));
      truncated = true;
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated };
}

export async function runHttp(input: HttpInput, ctx: RunContext): Promise<HttpResult> {
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const headers = { ...input.headers };
  let body: string | undefined;
  if (input.body !== undefined) {
    if (typeof input.body === 'string') body = input.body;
    else {
      body = JSON.stringify(input.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
  }
  let res: Response;
  try {
    res = await fetch(input.url, { method: input.method, headers, body, signal: AbortSignal.any([ctx.signal, timeout]), redirect: 'follow' });
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw networkError(error, input, timeout.aborted);
  }
  const { body: text, truncated } = await readBody(res);
  const result: HttpResult = { status: res.status, headers: Object.fromEntries(res.headers), body: text, truncated };
  const ok = input.expectStatus ? input.expectStatus.includes(res.status) : res.status >= 200 && res.status < 300;
  ctx.log('info', `${input.method} ${input.url} → ${res.status}`);
  if (ok) return result;
  if (text) ctx.log('stderr', text.slice(0, 4096));
  const retryable = res.status >= 500 || res.status === 429 || (res.status >= 400 && res.status < 500 && input.retryOn4xx);
  throw new KindError(`HTTP_${res.status}`, `${input.method} ${input.url} answered ${res.status} ${res.statusText}`.trim(), { retryable });
}

export const httpKind: KindDefinition<HttpInput> = { input: httpInput, run: runHttp };
