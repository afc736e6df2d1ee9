// Resolves a container's `User` ("name", "uid", "name:group", "uid:gid") against the image's
// /etc/passwd and /etc/group, as Docker does at start. Parsing is pure; reading goes through a
// scoped resolver so a symlinked /etc/passwd cannot point outside the rootfs.

import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, hasErrno } from '../../errdefs/index.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 7 && /^\d+$/.test(fields[2]) && /^\d+$/.test(fields[3]))
    .map((fields) => ({ name: fields[0], uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] }));
}

export function parseGroup(text: string): GroupEntry[] {
  return text
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 4 && /^\d+$/.test(fields[2]))
    .map((fields) => ({ name: fields[0], gid: Number(fields[2]), members: fields[3] ? fields[3].split(',') : [] }));
}

const MAX_ID = 2 ** 31 - 1;

/** Pure resolution over the parsed files. */
export function resolveUser(spec: string, passwd: PasswdEntry[], groups: GroupEntry[], groupAdd: string[] = []): ResolvedUser {
  const [userSpec, groupPart] = spec.split(/:(.*)/s);
  // As runc's user lookup: no user means uid 0, whether or not passwd names it.
  const userPart = userSpec === '' ? '0' : userSpec;
  let uid: number;
  let gid: number;
  let name: string | undefined;
  let home = '/';
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    if (uid > MAX_ID) throw new InvalidArgumentError(`uid ${userPart} is out of range`);
    const entry = passwd.find((p) => p.uid === uid);
    gid = entry?.gid ?? 0;
    name = entry?.name;
    home = entry?.home ?? '/';
  } else {
    const entry = passwd.find((p) => p.name === userPart);
    if (!entry) throw new InvalidArgumentError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.uid;
    gid = entry.gid;
    name = entry.name;
    home = entry.home;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) {
      gid = Number(groupPart);
    } else {
      const group = groups.find((g) => g.name === groupPart);
      if (!group) throw new InvalidArgumentError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = group.gid;
    }
  }
  const additional = new Set<number>([gid]);
  if (name !== undefined && !groupPart) {
    for (const group of groups) if (group.members.includes(name) && group.gid !== gid) additional.add(group.gid);
  }
  for (const extra of groupAdd) {
    if (/^\d+$/.test(extra)) additional.add(Number(extra));
    else {
      const group = groups.find((g) => g.name === extra);
      if (!group) throw new InvalidArgumentError(`Unable to find group ${extra}: no matching entries in group file`);
      additional.add(group.gid);
    }
  }
  return { uid, gid, additionalGids: [...additional], home };
}

async function readOptional(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (hasErrno(err, 'ENOENT') || hasErrno(err, 'ENOTDIR')) return '';
    throw err;
  }
}

/** Reads the rootfs's passwd/group through `resolve` (a scoped path resolver) and resolves. */
export async function resolveUserInRootfs(
  spec: string,
  groupAdd: string[],
  resolve: (containerPath: string) => Promise<string>,
): Promise<ResolvedUser> {
  const passwd = parsePasswd(await readOptional(await resolve('/etc/passwd')));
  const groups = parseGroup(await readOptional(await resolve('/etc/group')));
  return resolveUser(spec, passwd, groups, groupAdd);
}
