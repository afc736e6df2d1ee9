// Row contexts for `images` and `history` (pure given `nowMs`): docker's imageContext (one row per
// repository:tag, dangling images as <none>) and historyContext.
import type { ImageHistoryItem, ImageSummary } from '../../client/index.js';
import { RowContext } from './formatter.js';
import { parseReference } from './reference.js';
import { ellipsis, goTimeString, rfc3339, truncateId } from './text.js';
import { humanSize, humanSizeWithPrecision, timeAgo } from './units.js';

export const IMAGE_TABLE_FORMAT = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
export const IMAGE_TABLE_FORMAT_WITH_DIGEST =
  'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';

export const IMAGE_HEADERS: Record<string, string> = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
};

/** docker's NewImageFormat. */
export function imageFormat(source: string, quiet: boolean, digests: boolean): string {
  if (source === '' || source === 'table') {
    if (quiet) return '{{.ID}}';
    return digests ? IMAGE_TABLE_FORMAT_WITH_DIGEST : IMAGE_TABLE_FORMAT;
  }
  if (source === 'raw') {
    if (quiet) return 'image_id: {{.ID}}';
    return digests
      ? 'repository: {{ .Repository }}\ntag: {{.Tag}}\ndigest: {{.Digest}}\nimage_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n'
      : 'repository: {{ .Repository }}\ntag: {{.Tag}}\nimage_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n';
  }
  if (source.startsWith('table') && digests && !source.includes('{{.Digest}}')) return `${source}\t{{.Digest}}`;
  return source;
}

export class ImageContext extends RowContext {
  readonly goTypeName = '*formatter.imageContext';
  protected readonly jsonFields = ['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize'];

  constructor(
    private readonly image: ImageSummary,
    private readonly repository: string,
    private readonly tag: string,
    private readonly digest: string,
    private readonly trunc: boolean,
    private readonly nowMs: number,
  ) {
    super();
  }

  ID(): string {
    return this.trunc ? truncateId(this.image.Id) : this.image.Id;
  }
  Repository(): string {
    return this.repository;
  }
  Tag(): string {
    return this.tag;
  }
  Digest(): string {
    return this.digest;
  }
  CreatedSince(): string {
    return timeAgo(this.image.Created, this.nowMs);
  }
  CreatedAt(): string {
    return goTimeString(this.image.Created);
  }
  Size(): string {
    return humanSizeWithPrecision(this.image.Size, 3);
  }
  Containers(): string {
    return this.image.Containers === -1 ? 'N/A' : String(this.image.Containers);
  }
  VirtualSize(): string {
    return humanSize(this.image.Size);
  }
  SharedSize(): string {
    return this.image.SharedSize === -1 ? 'N/A' : humanSize(this.image.SharedSize);
  }
  UniqueSize(): string {
    return this.image.Size === -1 || this.image.SharedSize === -1 ? 'N/A' : humanSize(this.image.Size - this.image.SharedSize);
  }
}

function isDangling(image: ImageSummary): boolean {
  const tags = image.RepoTags ?? [];
  const digests = image.RepoDigests ?? [];
  if (tags.length === 0 && digests.length === 0) return true;
  return tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>';
}

/** One context per repository:tag (and digest when shown), as docker's imageFormat expands them. */
export function imageRows(images: readonly ImageSummary[], options: { trunc: boolean; digests: boolean; format: string; nowMs: number }): ImageContext[] {
  const needDigest = options.digests || options.format.includes('{{.Digest}}');
  const rows: ImageContext[] = [];
  for (const image of images) {
    const add = (repository: string, tag: string, digest: string): void => {
      rows.push(new ImageContext(image, repository, tag, digest, options.trunc, options.nowMs));
    };
    if (isDangling(image)) {
      add('<none>', '<none>', '<none>');
      continue;
    }
    const tagsByRepo = new Map<string, string[]>();
    const digestsByRepo = new Map<string, string[]>();
    for (const text of image.RepoTags ?? []) {
      const reference = parseReference(text);
      if (reference?.tag === undefined) continue;
      tagsByRepo.set(reference.name, [...(tagsByRepo.get(reference.name) ?? []), reference.tag]);
    }
    for (const text of image.RepoDigests ?? []) {
      const reference = parseReference(text);
      if (reference?.digest === undefined) continue;
      digestsByRepo.set(reference.name, [...(digestsByRepo.get(reference.name) ?? []), reference.digest]);
    }
    for (const [repository, tags] of tagsByRepo) {
      const digests = needDigest ? (digestsByRepo.get(repository) ?? []) : [];
      digestsByRepo.delete(repository);
      for (const tag of tags) {
        if (digests.length === 0) add(repository, tag, '<none>');
        else for (const digest of digests) add(repository, tag, digest);
      }
    }
    for (const [repository, digests] of digestsByRepo) {
      if (options.digests) for (const digest of digests) add(repository, '<none>', digest);
      else add(repository, '<none>', '');
    }
  }
  return rows;
}

export const HISTORY_TABLE_FORMAT = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
export const HISTORY_TABLE_FORMAT_HUMAN_FALSE = 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
export const HISTORY_HEADERS: Record<string, string> = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
};

export class HistoryContext extends RowContext {
  readonly goTypeName = '*image.historyContext';
  protected readonly jsonFields = ['Comment', 'CreatedAt', 'CreatedBy', 'CreatedSince', 'ID', 'Size'];

  constructor(
    private readonly item: ImageHistoryItem,
    private readonly trunc: boolean,
    private readonly human: boolean,
    private readonly nowMs: number,
  ) {
    super();
  }

  ID(): string {
    return this.trunc ? truncateId(this.item.Id) : this.item.Id;
  }
  CreatedAt(): string {
    return rfc3339(this.item.Created);
  }
  CreatedSince(): string {
    if (!this.human) return this.CreatedAt();
    if (this.item.Created <= 0) return 'N/A';
    return timeAgo(this.item.Created, this.nowMs);
  }
  CreatedBy(): string {
    const createdBy = this.item.CreatedBy.replaceAll('\t', ' ');
    return this.trunc ? ellipsis(createdBy, 45) : createdBy;
  }
  Size(): string {
    return this.human ? humanSizeWithPrecision(this.item.Size, 3) : String(this.item.Size);
  }
  Comment(): string {
    return this.item.Comment;
  }
}
