// bench/events: how many events per second berthd's GET /events fans out to 10 subscribers, and
// whether any subscriber loses, duplicates or reorders one. A real berthd (TestDaemon) runs
// labelled containers; concurrent request loops make events in two phases: `rename` (a durable
// state change: container lock, record fsync'd to disk) and `exec_create` (in memory only, so the
// bus and the HTTP fan-out are what is measured). Every subscriber filters on the label and
// counts, checks order and looks for duplicates.
// Usage: bench/events [SECONDS_PER_PHASE=5] [SUBSCRIBERS=10] [WORKERS=16]   (root; `npm run build` first)

import http from 'node:http';
import os from 'node:os';
import { TestDaemon } from '../test/helpers/daemon.js';

const SECONDS = Number(process.argv[2] ?? 5);
const SUBSCRIBERS = Number(process.argv[3] ?? 10);
const WORKERS = Number(process.argv[4] ?? 16);
const LABEL = 'bench=events';

interface EventLine {
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  timeNano: number;
}

class Subscriber {
  received = 0;
  duplicates = 0;
  outOfOrder = 0;
  lastNano = 0;
  readonly latenciesMs: number[] = [];
  private readonly seen = new Set<string>();
  private request: http.ClientRequest | undefined;

  constructor(private readonly socketPath: string) {}

  open(): Promise<void> {
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'], label: [LABEL], event: ['rename', 'exec_create'] }));
    return new Promise((resolve, reject) => {
      this.request = http.get({ socketPath: this.socketPath, path: `/events?filters=${filters}`, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET /events answered ${res.statusCode}`));
          return;
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let newline = buffer.indexOf('\n');
          while (newline >= 0) {
            this.accept(JSON.parse(buffer.slice(0, newline)) as EventLine);
            buffer = buffer.slice(newline + 1);
            newline = buffer.indexOf('\n');
          }
        });
        resolve();
      });
      this.request.on('error', reject);
    });
  }

  private accept(event: EventLine): void {
    const key = `${event.timeNano}/${event.Actor.ID}/${event.Actor.Attributes.name}`;
    if (this.seen.has(key)) this.duplicates++;
    this.seen.add(key);
    if (event.timeNano <= this.lastNano) this.outOfOrder++;
    this.lastNano = event.timeNano;
    this.received++;
    // Sampled so the bookkeeping stays small; same host, so the clocks agree.
    if (this.received % 16 === 0) this.latenciesMs.push(Date.now() - event.timeNano / 1e6);
  }

  close(): void {
    this.request?.destroy();
  }
}

function post(agent: http.Agent, socketPath: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath, agent, method: 'POST', path, headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

async function main(): Promise<void> {
  // Output piped into `head` must not kill the bench before it has removed its daemon.
  process.stdout.on('error', () => undefined);
  const daemon = new TestDaemon('bevb');
  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  const subscribers: Subscriber[] = [];
  try {
    await daemon.start(['--log-level', 'warn']);
    await daemon.importBusybox();
    const ids: string[] = [];
    for (let w = 0; w < WORKERS; w++) {
      const created = await post(agent, daemon.socket, `/containers/create?name=ev${w}a`, { Image: 'busybox', Cmd: ['sleep', '3600'], Labels: { bench: 'events' } });
      if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
      const id = (JSON.parse(created.text) as { Id: string }).Id;
      const started = await post(agent, daemon.socket, `/containers/${id}/start`);
      if (started.status !== 204) throw new Error(`start failed: ${started.status} ${started.text}`);
      ids.push(id);
    }
    for (let s = 0; s < SUBSCRIBERS; s++) {
      const subscriber = new Subscriber(daemon.socket);
      await subscriber.open();
      subscribers.push(subscriber);
    }
    process.stdout.write(`events bench: ${SUBSCRIBERS} subscribers, ${WORKERS} request loops, ${SECONDS} s per phase (${os.cpus().length} CPUs, node ${process.version})\n`);

    let generated = 0;
    let failed = 0;
    /** Runs one request per iteration in every loop for SECONDS; returns the events made per second. */
    const phase = async (label: string, request: (id: string, w: number, n: number) => Promise<boolean>): Promise<number> => {
      let made = 0;
      const started = process.hrtime.bigint();
      const deadline = Date.now() + SECONDS * 1000;
      await Promise.all(
        ids.map(async (id, w) => {
          for (let n = 0; Date.now() < deadline; n++) {
            if (await request(id, w, n)) made++;
            else failed++;
          }
        }),
      );
      const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
      generated += made;
      const rate = made / elapsedS;
      process.stdout.write(`  ${label.padEnd(16)} ${made} events in ${elapsedS.toFixed(2)} s = ${rate.toFixed(0)} events/s, ${(rate * SUBSCRIBERS).toFixed(0)} deliveries/s\n`);
      return rate;
    };
    const began = process.hrtime.bigint();
    await phase('rename', async (id, w, n) => (await post(agent, daemon.socket, `/containers/${id}/rename?name=ev${w}${n % 2 === 0 ? 'b' : 'a'}`)).status === 204);
    const fanOut = await phase('exec_create', async (id) => (await post(agent, daemon.socket, `/containers/${id}/exec`, { Cmd: ['true'] })).status === 201);
    const delivered = await waitFor(() => subscribers.every((s) => s.received >= generated), 30_000);
    const drainedS = Number(process.hrtime.bigint() - began) / 1e9;
    process.stdout.write(`  delivered        ${delivered ? `all ${generated} events to every subscriber` : 'NOT everything'} ${drainedS.toFixed(2)} s after the first request (${failed} failed requests)\n`);
    const latencies = subscribers.flatMap((s) => s.latenciesMs);
    process.stdout.write(`  latency          emit -> subscriber p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms\n`);
    let lossless = delivered;
    subscribers.forEach((s, i) => {
      const lost = generated - s.received;
      if (lost !== 0 || s.duplicates > 0 || s.outOfOrder > 0) lossless = false;
      process.stdout.write(`  subscriber ${String(i).padStart(2)}    received ${s.received}, lost ${lost}, duplicates ${s.duplicates}, out of order ${s.outOfOrder}\n`);
    });
    process.stdout.write(`  result           ${lossless ? 'no subscriber lost, duplicated or reordered an event' : 'EVENTS LOST OR REORDERED'}; ${fanOut >= 1000 ? 'fan-out >= 1,000 events/s' : 'FAN-OUT BELOW 1,000 events/s'}\n`);
    if (!lossless || fanOut < 1000) process.exitCode = 1;
  } finally {
    for (const subscriber of subscribers) subscriber.close();
    agent.destroy();
    await daemon.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`events bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
