import { mkdtemp, rm } from 'node:fs/promises';
import net, { type Socket } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_DETACH_KEYS, bridge, parseDetachKeys, type BridgeOptions } from './hijack.js';

const CTRL_P = 0x10;
const CTRL_Q = 0x11;

describe('parseDetachKeys', () => {
  const good: Array<[string, number[]]> = [
    ['ctrl-p,ctrl-q', [CTRL_P, CTRL_Q]],
    ['ctrl-a', [1]],
    ['ctrl-z', [26]],
    ['ctrl-@', [0]],
    ['ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_', [27, 28, 29, 30, 31]],
    ['a,b', [97, 98]],
    ['A,B', [65, 66]],
    ['ctrl-x,X', [24, 88]],
    ['DEL', [127]],
    ['CTRL-P,Ctrl-Q', [CTRL_P, CTRL_Q]],
    ['ctrl-p, ctrl-q', [CTRL_P, CTRL_Q]],
    ['', []],
  ];
  for (const [spec, bytes] of good) {
    test(`${JSON.stringify(spec)} → [${bytes.join(', ')}]`, () => expect(parseDetachKeys(spec)).toEqual(bytes));
  }

  for (const spec of [',', 'ctrl-', 'ctrl-1', 'ctrl-pq', 'alt-p', 'ab', 'ctrl-p,,ctrl-q', 'ctrl-p,']) {
    test(`refuses ${JSON.stringify(spec)}`, () => {
      let error: unknown;
      try {
        parseDetachKeys(spec);
      } catch (err) {
        error = err;
      }
      expect((error as Error).message).toBe(`Invalid detach keys (${spec}) provided`);
      expect((error as { httpStatus: number }).httpStatus).toBe(400);
    });
  }

  test('the default is ctrl-p,ctrl-q', () => expect(DEFAULT_DETACH_KEYS).toEqual(parseDetachKeys('ctrl-p,ctrl-q')));

  test('property: every ctrl-letter sequence parses to one control byte per key', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), { minLength: 1, maxLength: 5 }), (letters) => {
        expect(parseDetachKeys(letters.map((l) => `ctrl-${l}`).join(','))).toEqual(letters.map((l) => l.charCodeAt(0) - 96));
      }),
    );
  });
});

describe('bridge', () => {
  let dir: string;
  let counter = 0;
  const open: Socket[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'berth-hijack-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.destroy();
  });

  /** Two connected unix sockets, both allowing half-close like the daemon's hijacked connections. */
  async function socketPair(): Promise<[Socket, Socket]> {
    const server = net.createServer({ allowHalfOpen: true });
    const socketPath = path.join(dir, `pair-${counter++}.sock`);
    server.listen(socketPath);
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const near = net.connect({ path: socketPath, allowHalfOpen: true });
    await once(near, 'connect');
    const [far] = await accepted;
    server.close();
    open.push(near, far);
    return [near, far];
  }

  /** Everything `socket` receives until its peer ends or it closes. */
  function received(socket: Socket): Promise<Buffer> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks));
      };
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', finish);
      socket.on('close', finish);
    });
  }

  /**
   * user ⇄ [daemon's client socket] —bridge— [daemon's monitor socket] ⇄ monitor.
   * Returns the outer ends (what a user and the monitor would hold) and the bridge's promise.
   */
  async function setup(options: Partial<BridgeOptions> = {}, leftover = Buffer.alloc(0)): Promise<{ user: Socket; monitor: Socket; done: Promise<void> }> {
    const [user, daemonClient] = await socketPair();
    const [daemonMonitor, monitor] = await socketPair();
    const done = bridge(daemonClient, leftover, daemonMonitor, { stdin: true, detachKeys: DEFAULT_DETACH_KEYS, ...options });
    return { user, monitor, done };
  }

  const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  test('forwards stdin to the monitor and output to the client', async () => {
    const { user, monitor, done } = await setup();
    const stdin = received(monitor);
    const stdout = received(user);
    user.write('echo hi\n');
    await wait(20);
    monitor.write('hi\n');
    user.end();
    await wait(20);
    monitor.end('bye\n');
    expect((await stdin).toString()).toBe('echo hi\n');
    expect((await stdout).toString()).toBe('hi\nbye\n');
    await done;
  });

  test('the leftover bytes after the request head go first', async () => {
    const { user, monitor, done } = await setup({}, Buffer.from('early '));
    const stdin = received(monitor);
    user.end('late');
    expect((await stdin).toString()).toBe('early late');
    monitor.end();
    await done;
  });

  test('the detach sequence closes the monitor connection and ends the client; bytes before it pass, bytes after do not', async () => {
    const { user, monitor, done } = await setup();
    const stdin = received(monitor);
    const stdout = received(user);
    user.write(Buffer.from([0x61, 0x62, CTRL_P, CTRL_Q, 0x63]));
    await done;
    expect([...(await stdin)]).toEqual([0x61, 0x62]);
    expect((await stdout).length).toBe(0);
  });

  test('a detach sequence split across chunks still detaches, and its first key is not forwarded', async () => {
    const { user, monitor, done } = await setup();
    const stdin = received(monitor);
    user.write(Buffer.from([0x61, CTRL_P]));
    await wait(30);
    user.write(Buffer.from([CTRL_Q]));
    await done;
    expect([...(await stdin)]).toEqual([0x61]);
  });

  test('a held partial match is flushed when the next byte does not complete it', async () => {
    const { user, monitor, done } = await setup();
    const stdin = received(monitor);
    user.write(Buffer.from([0x61, CTRL_P]));
    await wait(30);
    user.write(Buffer.from([0x62]));
    await wait(30);
    user.end();
    expect([...(await stdin)]).toEqual([0x61, CTRL_P, 0x62]);
    monitor.end();
    await done;
  });

  test('a held partial match is flushed at stdin EOF', async () => {
    const { user, monitor, done } = await setup();
    const stdin = received(monitor);
    user.write(Buffer.from([0x61, CTRL_P]));
    await wait(30);
    user.end();
    expect([...(await stdin)]).toEqual([0x61, CTRL_P]);
    monitor.end();
    await done;
  });

  test('ctrl-p ctrl-p ctrl-q detaches, forwarding the first ctrl-p', async () => {
    const { user, monitor, done } = await setup();
    const stdin = received(monitor);
    user.write(Buffer.from([CTRL_P, CTRL_P, CTRL_Q]));
    await done;
    expect([...(await stdin)]).toEqual([CTRL_P]);
  });

  test('without detach keys (non-tty streams) every byte passes', async () => {
    const { user, monitor, done } = await setup({ detachKeys: [] });
    const stdin = received(monitor);
    user.end(Buffer.from([CTRL_P, CTRL_Q, 0x00, 0xff]));
    expect([...(await stdin)]).toEqual([CTRL_P, CTRL_Q, 0x00, 0xff]);
    monitor.end();
    await done;
  });

  test('without stdin, client bytes are dropped and its half-close does not end the monitor\'s stdin', async () => {
    const { user, monitor, done } = await setup({ stdin: false });
    let monitorGot = '';
    let monitorEnded = false;
    monitor.on('data', (chunk: Buffer) => (monitorGot += chunk.toString()));
    monitor.on('end', () => (monitorEnded = true));
    const stdout = received(user);
    user.end('ignored');
    await wait(50);
    expect(monitorGot).toBe('');
    expect(monitorEnded).toBe(false);
    monitor.end('output');
    expect((await stdout).toString()).toBe('output');
    await done;
  });

  test('the client half-closing is stdin EOF: the monitor sees end, output still flows back', async () => {
    const { user, monitor, done } = await setup();
    const stdout = received(user);
    const monitorEnded = once(monitor, 'end');
    user.end();
    await monitorEnded;
    monitor.write('after eof');
    monitor.end();
    expect((await stdout).toString()).toBe('after eof');
    await done;
  });

  test('the monitor ending ends the client, only after beforeEnd has finished', async () => {
    let recorded = false;
    const beforeEnd = async (): Promise<void> => {
      await wait(60);
      recorded = true;
    };
    const { user, monitor, done } = await setup({ beforeEnd });
    let endedAfterRecord: boolean | undefined;
    user.on('end', () => (endedAfterRecord = recorded));
    user.resume();
    monitor.end('exit');
    await done;
    await wait(20);
    expect(endedAfterRecord).toBe(true);
  });

  test('a failing beforeEnd still ends the client', async () => {
    const { user, monitor, done } = await setup({ beforeEnd: () => Promise.reject(new Error('boom')) });
    const stdout = received(user);
    monitor.end('last words');
    await done;
    expect((await stdout).toString()).toBe('last words');
  });

  test('a client that goes away: the monitor sees stdin EOF, and the bridge finishes when the monitor ends', async () => {
    const { user, monitor, done } = await setup();
    const monitorEnded = once(monitor, 'end');
    user.destroy();
    await monitorEnded;
    monitor.end('nobody reads this');
    await done;
  });

  test('property: without the detach sequence no stdin byte is lost, however the stream is chunked', async () => {
    const noSequence = fc.uint8Array({ maxLength: 64 }).filter((bytes) => !Buffer.from(bytes).includes(Buffer.from([CTRL_P, CTRL_Q])));
    await fc.assert(
      fc.asyncProperty(noSequence, fc.array(fc.nat(64), { maxLength: 4 }), async (bytes, cuts) => {
        const { user, monitor, done } = await setup();
        const stdin = received(monitor);
        const points = [...new Set([0, ...cuts.map((c) => Math.min(c, bytes.length)), bytes.length])].sort((a, b) => a - b);
        for (let i = 1; i < points.length; i++) {
          user.write(Buffer.from(bytes.subarray(points[i - 1], points[i])));
          await wait(1);
        }
        user.end();
        expect([...(await stdin)]).toEqual([...bytes]);
        monitor.end();
        await done;
        for (const socket of open.splice(0)) socket.destroy();
      }),
      { numRuns: 40 },
    );
  });

  test('property: with the detach sequence, exactly the bytes before its first occurrence reach the monitor', async () => {
    const withSequence = fc
      .tuple(fc.uint8Array({ maxLength: 32 }), fc.uint8Array({ maxLength: 16 }))
      .map(([before, after]) => Buffer.concat([Buffer.from(before), Buffer.from([CTRL_P, CTRL_Q]), Buffer.from(after)]));
    await fc.assert(
      fc.asyncProperty(withSequence, fc.array(fc.nat(50), { maxLength: 4 }), async (bytes, cuts) => {
        const { user, monitor, done } = await setup();
        const stdin = received(monitor);
        const points = [...new Set([0, ...cuts.map((c) => Math.min(c, bytes.length)), bytes.length])].sort((a, b) => a - b);
        for (let i = 1; i < points.length && !user.destroyed; i++) {
          user.write(Buffer.from(bytes.subarray(points[i - 1], points[i])));
          await wait(1);
        }
        await done;
        const first = bytes.indexOf(Buffer.from([CTRL_P, CTRL_Q]));
        expect([...(await stdin)]).toEqual([...bytes.subarray(0, first)]);
        for (const socket of open.splice(0)) socket.destroy();
      }),
      { numRuns: 40 },
    );
  });
});
