// Volumes for `volume ls` and `volume inspect` (pure): docker's volumeContext row fields and default
// formats, and the typed volume.Volume that docker's inspect prints and runs templates on.
import type { Volume } from '../../client/index.js';
import { humanSize } from './units.js';
import { GoStruct, goMap, goString } from './go-struct.js';
import { RowContext } from './formatter.js';
import { sortedMap } from '../options/values.js';

export const VOLUME_TABLE_FORMAT = 'table {{.Driver}}\t{{.Name}}';

export const VOLUME_HEADERS: Record<string, string> = {
  ID: 'ID',
  Name: 'VOLUME NAME',
  Group: 'GROUP',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Availability: 'AVAILABILITY',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
  Status: 'STATUS',
};

/** docker's NewVolumeFormat. */
export function volumeFormat(source: string, quiet: boolean): string {
  if (source === '' || source === 'table') return quiet ? '{{.Name}}' : VOLUME_TABLE_FORMAT;
  if (source === 'raw') return quiet ? 'name: {{.Name}}' : 'name: {{.Name}}\\ndriver: {{.Driver}}\\n';
  return source;
}

export class VolumeContext extends RowContext {
  readonly goTypeName = '*formatter.volumeContext';
  protected readonly jsonFields = ['Availability', 'Driver', 'Group', 'Labels', 'Links', 'Mountpoint', 'Name', 'Scope', 'Size', 'Status'];

  constructor(private readonly volume: Volume) {
    super();
  }

  Name(): string {
    return this.volume.Name;
  }
  Driver(): string {
    return this.volume.Driver;
  }
  Scope(): string {
    return this.volume.Scope;
  }
  Mountpoint(): string {
    return this.volume.Mountpoint;
  }
  Labels(): string {
    if (!this.volume.Labels) return '';
    return Object.entries(this.volume.Labels)
      .map(([key, value]) => `${key}=${value}`)
      .sort()
      .join(',');
  }
  Label(name: string): string {
    return this.volume.Labels?.[name] ?? '';
  }
  Links(): string {
    return this.volume.UsageData ? String(this.volume.UsageData.RefCount) : 'N/A';
  }
  Size(): string {
    return this.volume.UsageData ? humanSize(this.volume.UsageData.Size) : 'N/A';
  }
  // Cluster volumes (swarm CSI) do not exist on Berth's engine.
  Group(): string {
    return 'N/A';
  }
  Availability(): string {
    return 'N/A';
  }
  Status(): string {
    return 'N/A';
  }
}

/** The wire object of volume.Volume: Go's field order, omitempty fields left out when empty. */
function volumeJson(volume: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (volume.ClusterVolume) out.ClusterVolume = volume.ClusterVolume;
  if (goString(volume.CreatedAt) !== '') out.CreatedAt = volume.CreatedAt;
  out.Driver = goString(volume.Driver);
  out.Labels = volume.Labels ? sortedMap(goMap(volume.Labels)) : null;
  out.Mountpoint = goString(volume.Mountpoint);
  out.Name = goString(volume.Name);
  out.Options = volume.Options ? sortedMap(goMap(volume.Options)) : null;
  out.Scope = goString(volume.Scope);
  if (volume.Status && Object.keys(goMap(volume.Status)).length > 0) out.Status = sortedMap(goMap(volume.Status));
  if (volume.UsageData) out.UsageData = volume.UsageData;
  return out;
}

/** volume.Volume as docker decodes it; `volume inspect` prints its JSON and runs templates on it. */
export function volumeView(raw: unknown): GoStruct {
  const volume = goMap(raw);
  const usage = volume.UsageData ? goMap(volume.UsageData) : undefined;
  return new GoStruct(
    'volume.Volume',
    [
      ['ClusterVolume', volume.ClusterVolume ?? null],
      ['CreatedAt', goString(volume.CreatedAt)],
      ['Driver', goString(volume.Driver)],
      ['Labels', goMap(volume.Labels)],
      ['Mountpoint', goString(volume.Mountpoint)],
      ['Name', goString(volume.Name)],
      ['Options', goMap(volume.Options)],
      ['Scope', goString(volume.Scope)],
      ['Status', goMap(volume.Status)],
      ['UsageData', usage ? new GoStruct('volume.UsageData', [['RefCount', usage.RefCount ?? 0], ['Size', usage.Size ?? 0]], volume.UsageData) : null],
    ],
    volumeJson(volume),
  );
}
