// sha256 digests: hashing taps for streams and layer chain ids (chain-id math is pure).
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export const SHA256_PREFIX = 'sha256:';

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256Digest(data: Uint8Array | string): string {
  return SHA256_PREFIX + sha256Hex(data);
}

/** A pass-through that hashes and counts every byte flowing through it. */
export class HashingTap extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
  /** Only valid once the stream has ended. */
  digest(): string {
    return SHA256_PREFIX + this.hash.digest('hex');
  }
}

/**
 * ChainID of a layer stack (image-spec): the bottom layer's chain id is its diffID; each next one is
 * sha256(parentChainId + " " + diffId).
 */
export function chainIdOf(parentChainId: string | null, diffId: string): string {
  return parentChainId === null ? diffId : sha256Digest(`${parentChainId} ${diffId}`);
}

/** Chain ids of every prefix of `diffIds`, bottom first. */
export function chainIds(diffIds: readonly string[]): string[] {
  const result: string[] = [];
  let parent: string | null = null;
  for (const diffId of diffIds) {
    parent = chainIdOf(parent, diffId);
    result.push(parent);
  }
  return result;
}

export function isSha256Digest(value: string): boolean {
  return /^sha256:[a-f0-9]{64}$/.test(value);
}

export function hexOf(digest: string): string {
  return digest.startsWith(SHA256_PREFIX) ? digest.slice(SHA256_PREFIX.length) : digest;
}
