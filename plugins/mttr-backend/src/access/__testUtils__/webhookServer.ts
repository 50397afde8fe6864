import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedCall {
  action: string;
  requestId: string;
  expiresAt: string | null;
  idempotencyKey: string;
  body: Record<string, any>;
}

/** Every call that reached the server, accepted or not, in arrival order. */
export interface SeenCall {
  path: string;
  action: string;
  requestId: string;
  idempotencyKey: string;
  receivedAt: number;
}

/**
 * A real HTTP server on 127.0.0.1 playing the target system: it checks the
 * HMAC signature of every call (401 when wrong), answers 5xx or drops the
 * connection when told to, and remembers each distinct call it accepted
 * (by idempotency key, as a real target would).
 */
export async function startWebhookServer(secret: string) {
  const accepted: ReceivedCall[] = [];
  const seenKeys = new Set<string>();
  const calls: SeenCall[] = [];
  let delayOf: (call: SeenCall) => number = () => 0;
  let attempts = 0;
  let failures: Array<'500' | 'drop'> = [];
  let rejectedSignatures = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      attempts += 1;
      const raw = Buffer.concat(chunks);
      let parsed: Record<string, any> = {};
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        // recorded with empty fields; refused below by the signature check
      }
      const call: SeenCall = {
        path: req.url ?? '',
        action: String(parsed.action ?? ''),
        requestId: String(parsed.requestId ?? ''),
        idempotencyKey: String(req.headers['idempotency-key'] ?? ''),
        receivedAt: Date.now(),
      };
      calls.push(call);
      const delayMs = delayOf(call);
      if (delayMs > 0) {
        // A slow target: the caller's call stays in flight meanwhile.
        await new Promise(r => setTimeout(r, delayMs));
        if (req.socket.destroyed) return;
      }
      const failure = failures.shift();
      if (failure === 'drop') {
        req.socket.destroy();
        return;
      }
      if (failure === '500') {
        res.writeHead(503).end('busy');
        return;
      }
      const expected = Buffer.from(
        `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
      );
      const given = Buffer.from(String(req.headers['x-mttr-signature'] ?? ''));
      if (
        given.length !== expected.length ||
        !timingSafeEqual(given, expected)
      ) {
        rejectedSignatures += 1;
        res.writeHead(401).end('bad signature');
        return;
      }
      const body = JSON.parse(raw.toString('utf8'));
      const key = String(req.headers['idempotency-key']);
      if (!seenKeys.has(key)) {
        seenKeys.add(key);
        accepted.push({
          action: body.action,
          requestId: body.requestId,
          expiresAt: body.expiresAt,
          idempotencyKey: key,
          body,
        });
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ grantId: `tgt-${body.requestId}` }));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/access`,
    accepted,
    calls,
    /** Each call is answered this long after it arrived (0: at once). */
    set delayMs(ms: number) {
      delayOf = () => ms;
    },
    /** How long to hold each call before answering, call by call. */
    delayFor(fn: (call: SeenCall) => number) {
      delayOf = fn;
    },
    get attempts() {
      return attempts;
    },
    get rejectedSignatures() {
      return rejectedSignatures;
    },
    /** The next calls fail this way, one each. */
    failNext(...next: Array<'500' | 'drop'>) {
      failures = next;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
