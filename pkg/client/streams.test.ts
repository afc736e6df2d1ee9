// docker's stdcopy framing and the JSON message stream reader.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { JsonValueSplitter, consumeJsonMessages, readJsonStream } from './json-stream.js';
import { FrameDecoder, StreamSystemError, demuxStream, encodeFrame } from './stdcopy.js';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

describe('stdcopy demuxer', () => {
  test('splits stdout and stderr frames', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    const input = Buffer.concat([encodeFrame(1, 'a\n'), encodeFrame(2, 'b\n'), encodeFrame(1, 'c\n')]);
    await demuxStream(Readable.from([input]), stdout, stderr);
    expect(out()).toBe('a\nc\n');
    expect(err()).toBe('b\n');
  });

  test('handles headers and payloads split at every byte', async () => {
    const input = Buffer.concat([encodeFrame(1, 'hello'), encodeFrame(2, 'world'), encodeFrame(1, '')]);
    const chunks = [...input].map((byte) => Buffer.from([byte]));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    await demuxStream(Readable.from(chunks), stdout, stderr);
    expect(out()).toBe('hello');
    expect(err()).toBe('world');
  });

  test('never buffers a payload: a large frame comes out in pieces', () => {
    const decoder = new FrameDecoder();
    const frame = encodeFrame(1, Buffer.alloc(100_000, 0x61));
    const first = decoder.push(frame.subarray(0, 50_000));
    const second = decoder.push(frame.subarray(50_000));
    expect(first.reduce((n, p) => n + p.data.length, 0)).toBe(50_000 - 8);
    expect(second.reduce((n, p) => n + p.data.length, 0)).toBe(50_008);
    expect(decoder.atBoundary).toBe(true);
  });

  test('a systemerr frame rejects with the daemon message', async () => {
    const input = Buffer.concat([encodeFrame(1, 'x'), encodeFrame(3, 'boom')]);
    await expect(demuxStream(Readable.from([input]), new PassThrough(), new PassThrough())).rejects.toThrow(new StreamSystemError('boom'));
  });

  test('an unknown stream id is rejected like docker does', () => {
    expect(() => new FrameDecoder().push(Buffer.from([9, 0, 0, 0, 0, 0, 0, 1, 0x61]))).toThrow('Unrecognized input header: 9');
  });

  test('waits for drain when the writable is full', async () => {
    const stdout = new PassThrough({ highWaterMark: 4 });
    const out = collect(stdout);
    const input = [encodeFrame(1, 'abcdefgh'), encodeFrame(1, 'ijkl')];
    await demuxStream(Readable.from(input), stdout, new PassThrough());
    expect(out()).toBe('abcdefghijkl');
  });
});

describe('JSON stream reader', () => {
  test('splits concatenated and newline-separated values across chunk boundaries', () => {
    const splitter = new JsonValueSplitter();
    const values = [
      ...splitter.push(Buffer.from('{"a":1}{"b":"x}')),
      ...splitter.push(Buffer.from('{\\"y"}\r\n[1,')),
      ...splitter.push(Buffer.from('2]\n')),
    ];
    expect(values.map((v) => JSON.parse(v) as unknown)).toEqual([{ a: 1 }, { b: 'x}{"y' }, [1, 2]]);
    expect(splitter.atBoundary).toBe(true);
  });

  test('keeps multi-byte characters split between chunks intact', async () => {
    const bytes = Buffer.from('{"s":"héllo ✓"}\n');
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    const values = [];
    for await (const value of readJsonStream<{ s: string }>(Readable.from(chunks))) values.push(value);
    expect(values).toEqual([{ s: 'héllo ✓' }]);
  });

  test('refuses a value larger than the cap', () => {
    const splitter = new JsonValueSplitter(10);
    expect(() => splitter.push(Buffer.from('{"aaaaaaaaaaaaaaaa'))).toThrow(/exceeds 10 bytes/);
  });

  test('rejects garbage between values', () => {
    expect(() => new JsonValueSplitter().push(Buffer.from('{} x'))).toThrow(/invalid character 'x'/);
  });

  test('a truncated stream is an error', async () => {
    const reading = (async () => {
      for await (const _value of readJsonStream(Readable.from([Buffer.from('{"a":')]))) {
        // nothing
      }
    })();
    await expect(reading).rejects.toThrow('unexpected EOF in JSON stream');
  });

  test('a progress message with errorDetail ends the stream with that error', async () => {
    const seen: unknown[] = [];
    const input = Readable.from([Buffer.from('{"status":"Loading"}\n{"errorDetail":{"message":"bad tar"},"error":"bad tar"}\n')]);
    await expect(consumeJsonMessages(input, (m) => seen.push(m))).rejects.toThrow('bad tar');
    expect(seen).toEqual([{ status: 'Loading' }]);
  });
});
