// The command tree (pure): management groups, every command spec, and argv → command resolution.
import type { CommandSpec, GroupSpec } from './spec.js';
import { CONTAINER_COMMANDS } from './specs/container-specs.js';
import { CONTEXT_COMMANDS } from './specs/context-specs.js';
import { IMAGE_COMMANDS } from './specs/image-specs.js';
import { NETWORK_COMMANDS } from './specs/network-specs.js';
import { REGISTRY_COMMANDS } from './specs/registry-specs.js';
import { SYSTEM_COMMANDS } from './specs/system-specs.js';
import { VOLUME_COMMANDS } from './specs/volume-specs.js';

export const GROUPS: readonly GroupSpec[] = [
  // `compose` is dispatched by main.ts to compose/main.ts (its flags come before its subcommand);
  // it is listed here for `berth --help` only.
  { name: 'compose', description: 'Define and run multi-container applications (Docker Compose)', group: 'management' },
  { name: 'container', description: 'Manage containers', group: 'management' },
  { name: 'context', description: 'Manage contexts', group: 'management' },
  { name: 'image', description: 'Manage images', group: 'management' },
  { name: 'network', description: 'Manage networks', group: 'management' },
  { name: 'registry', description: 'Run an image registry', group: 'management' },
  { name: 'system', description: 'Manage Berth', group: 'management' },
  { name: 'volume', description: 'Manage volumes', group: 'management' },
];

export const COMMANDS: readonly CommandSpec[] = [...CONTAINER_COMMANDS, ...CONTEXT_COMMANDS, ...IMAGE_COMMANDS, ...NETWORK_COMMANDS, ...REGISTRY_COMMANDS, ...SYSTEM_COMMANDS, ...VOLUME_COMMANDS];

const summary = (spec: CommandSpec): string => spec.summary ?? spec.description.split('\n')[0]!;

/** Top-level names listed under "Common Commands" (in this order), as docker lists them. */
export const COMMON_COMMANDS: readonly string[] = ['run', 'exec', 'ps', 'pull', 'images', 'version', 'info'];

export type Resolution =
  | { kind: 'command'; spec: CommandSpec; invokedPath: string[]; rest: string[] }
  | { kind: 'group'; group: GroupSpec; rest: string[] }
  | { kind: 'unknown'; invokedPath: string[]; word: string };

function allPaths(spec: CommandSpec): readonly (readonly string[])[] {
  return [spec.path, ...(spec.aliases ?? [])];
}

/** Finds the command named by the first words of `words` (after global flags). */
export function resolveCommand(words: readonly string[]): Resolution {
  const [first = '', second] = words;
  const group = GROUPS.find((candidate) => candidate.name === first);
  if (group) {
    if (second === undefined || second.startsWith('-')) return { kind: 'group', group, rest: words.slice(1) };
    for (const spec of COMMANDS) {
      for (const path of allPaths(spec)) {
        if (path.length === 2 && path[0] === first && path[1] === second) return { kind: 'command', spec, invokedPath: [...path], rest: words.slice(2) };
      }
    }
    return { kind: 'unknown', invokedPath: [first], word: second };
  }
  for (const spec of COMMANDS) {
    for (const path of allPaths(spec)) {
      if (path.length === 1 && path[0] === first) return { kind: 'command', spec, invokedPath: [...path], rest: words.slice(1) };
    }
  }
  return { kind: 'unknown', invokedPath: [], word: first };
}

/** Commands reachable directly from the root (`run`, `ps`, …) with their descriptions. */
export function topLevelCommands(): { name: string; description: string }[] {
  const entries: { name: string; description: string }[] = [];
  for (const spec of COMMANDS) {
    for (const path of allPaths(spec)) {
      if (path.length === 1) entries.push({ name: path[0]!, description: summary(spec) });
    }
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The subcommands of a management group, sorted. */
export function groupCommands(group: string): { name: string; description: string }[] {
  return COMMANDS.filter((spec) => spec.path[0] === group && spec.path.length === 2)
    .map((spec) => ({ name: spec.path[1]!, description: summary(spec) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}
