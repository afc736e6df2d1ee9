import { describe, expect, test } from 'vitest';
import type { OciSeccomp } from './oci.js';
import { defaultSeccompProfile } from './seccomp.js';
import { DEFAULT_CAPABILITIES } from './spec.js';

/** Syscalls allowed unconditionally (an ALLOW rule without argument filters). */
function allowedOutright(profile: OciSeccomp): Set<string> {
  return new Set(profile.syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW' && !s.args?.length).flatMap((s) => s.names));
}

function rulesFor(profile: OciSeccomp, name: string): OciSeccomp['syscalls'] {
  return profile.syscalls.filter((s) => s.names.includes(name));
}

const DEFAULT = defaultSeccompProfile(DEFAULT_CAPABILITIES);
const WITH_ADMIN = defaultSeccompProfile([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN']);

describe('defaultSeccompProfile', () => {
  test('denies by default with EPERM, for x86-64 only (other ABIs are refused outright)', () => {
    expect(DEFAULT.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(DEFAULT.defaultErrnoRet).toBe(1);
    expect(DEFAULT.architectures).toEqual(['SCMP_ARCH_X86_64']);
  });

  const common = [
    'read', 'write', 'openat', 'close', 'execve', 'mmap', 'futex', 'epoll_pwait', 'exit_group', 'wait4', 'kill', 'pipe2', 'accept4',
    'getrandom', 'statx', 'rseq', 'clock_nanosleep', 'fchmodat2', 'futex_waitv', 'prlimit64', 'sendmsg', 'socketpair', 'ptrace',
  ];
  for (const name of common) {
    test(`allows ${name} to a default container`, () => expect(allowedOutright(DEFAULT).has(name)).toBe(true));
  }

  const sysAdmin = ['mount', 'umount2', 'unshare', 'setns', 'fsopen', 'fsmount', 'move_mount', 'open_tree', 'mount_setattr', 'quotactl', 'sethostname', 'setdomainname', 'bpf', 'perf_event_open', 'fanotify_init', 'lookup_dcookie'];
  for (const name of sysAdmin) {
    test(`denies ${name} without CAP_SYS_ADMIN and allows it with`, () => {
      expect(allowedOutright(DEFAULT).has(name)).toBe(false);
      expect(rulesFor(DEFAULT, name)).toEqual([]);
      expect(allowedOutright(WITH_ADMIN).has(name)).toBe(true);
    });
  }

  const never = ['keyctl', 'add_key', 'request_key', 'kexec_load', 'kexec_file_load', 'pivot_root', 'swapon', 'swapoff', 'userfaultfd', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'migrate_pages', 'uselib', 'create_module', 'nfsservctl'];
  for (const name of never) {
    test(`denies ${name} even with CAP_SYS_ADMIN`, () => {
      expect(rulesFor(WITH_ADMIN, name)).toEqual([]);
    });
  }

  const gated: Array<[string, string]> = [
    ['CAP_SYS_BOOT', 'reboot'],
    ['CAP_SYS_MODULE', 'init_module'],
    ['CAP_SYS_MODULE', 'finit_module'],
    ['CAP_SYS_MODULE', 'delete_module'],
    ['CAP_SYS_PACCT', 'acct'],
    ['CAP_SYS_PTRACE', 'kcmp'],
    ['CAP_SYS_PTRACE', 'pidfd_getfd'],
    ['CAP_SYS_PTRACE', 'process_madvise'],
    ['CAP_SYS_RAWIO', 'iopl'],
    ['CAP_SYS_TIME', 'settimeofday'],
    ['CAP_SYS_TTY_CONFIG', 'vhangup'],
    ['CAP_SYS_NICE', 'mbind'],
    ['CAP_SYSLOG', 'syslog'],
    ['CAP_BPF', 'bpf'],
    ['CAP_PERFMON', 'perf_event_open'],
    ['CAP_DAC_READ_SEARCH', 'open_by_handle_at'],
  ];
  for (const [capability, name] of gated) {
    test(`${name} only with ${capability}`, () => {
      expect(allowedOutright(DEFAULT).has(name)).toBe(false);
      expect(allowedOutright(defaultSeccompProfile([...DEFAULT_CAPABILITIES, capability])).has(name)).toBe(true);
    });
  }

  test('chroot follows CAP_SYS_CHROOT, which is a default capability', () => {
    expect(allowedOutright(DEFAULT).has('chroot')).toBe(true);
    expect(allowedOutright(defaultSeccompProfile(DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_SYS_CHROOT'))).has('chroot')).toBe(false);
  });

  test('without CAP_SYS_ADMIN: clone only without namespace flags, clone3 answers ENOSYS so libc falls back', () => {
    expect(rulesFor(DEFAULT, 'clone')).toEqual([
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
    ]);
    expect(rulesFor(DEFAULT, 'clone3')).toEqual([{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
  });

  test('with CAP_SYS_ADMIN: clone and clone3 allowed outright, no filter or ENOSYS rule', () => {
    expect(rulesFor(WITH_ADMIN, 'clone').every((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args)).toBe(true);
    expect(rulesFor(WITH_ADMIN, 'clone3').every((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args)).toBe(true);
    expect(allowedOutright(WITH_ADMIN).has('clone3')).toBe(true);
  });

  test('socket: every family but AF_VSOCK (40)', () => {
    expect(allowedOutright(DEFAULT).has('socket')).toBe(false);
    expect(rulesFor(DEFAULT, 'socket')).toEqual([{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] }]);
  });

  test('personality: only the safe personas and the query', () => {
    const values = rulesFor(DEFAULT, 'personality').map((r) => r.args?.[0]);
    expect(values).toEqual([0x0, 0x8, 0x20000, 0x20008, 0xffffffff].map((value) => ({ index: 0, value, op: 'SCMP_CMP_EQ' })));
  });

  test('the allow list is sorted and free of duplicates', () => {
    const names = DEFAULT.syscalls[0].names;
    expect(names).toEqual([...new Set(names)].sort());
  });

  test('more capabilities never allow fewer syscalls', () => {
    const base = allowedOutright(DEFAULT);
    const all = allowedOutright(defaultSeccompProfile(['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYS_MODULE', ...DEFAULT_CAPABILITIES]));
    for (const name of base) expect(all.has(name)).toBe(true);
  });
});
