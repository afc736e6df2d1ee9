// network create's IPAM consolidation and the StringSlice/map flag helpers, with docker's errors.
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../parse-args.js';
import { NETWORK_COMMANDS } from '../specs/network-specs.js';
import { ipamConfigs, mapFlag, stringSliceFlag } from './network.js';

const createSpec = NETWORK_COMMANDS.find((spec) => spec.path[1] === 'create')!;

describe('ipamConfigs', () => {
  test('pairs ranges, gateways and aux addresses with their subnet', () => {
    expect(ipamConfigs(['10.1.0.0/16', '10.2.0.0/16'], ['10.2.1.0/24'], ['10.1.0.1'], { a: '10.1.0.5' })).toEqual([
      { Subnet: '10.1.0.0/16', Gateway: '10.1.0.1', AuxiliaryAddresses: { a: '10.1.0.5' } },
      { Subnet: '10.2.0.0/16', IPRange: '10.2.1.0/24' },
    ]);
    expect(ipamConfigs([], [], [], {})).toEqual([]);
  });

  const errors: [string[], string[], string[], Record<string, string>, string][] = [
    [[], [], ['1.2.3.4'], {}, 'every ip-range or gateway must have a corresponding subnet'],
    [['10.1.0.0/16'], [], ['10.2.0.1'], {}, 'no matching subnet for gateway 10.2.0.1'],
    [['10.1.0.0/16', '10.1.1.0/24'], [], [], {}, 'multiple overlapping subnet configuration is not supported'],
    [['10.1.0.0/16'], ['x'], [], {}, 'invalid CIDR address: x'],
    [['10.1.0.0/16'], ['10.3.0.0/24'], [], {}, 'no matching subnet for range 10.3.0.0/24'],
    [['10.1.0.0/16', 'x'], [], [], {}, 'invalid subnet: invalid CIDR address: x'],
    [['10.1.0.0/16'], [], [], { a: '10.9.0.1' }, 'no matching subnet for aux-address 10.9.0.1'],
  ];
  for (const [subnets, ranges, gateways, aux, message] of errors) {
    test(message, () => expect(() => ipamConfigs(subnets, ranges, gateways, aux)).toThrow(message));
  }
});

describe('flag helpers', () => {
  test('StringSlice flags split CSV values and accumulate', () => {
    const { flags } = parseCommandLine(createSpec, ['--subnet', '10.1.0.0/16,10.2.0.0/16', '--subnet', '10.3.0.0/16', 'n']);
    expect(stringSliceFlag(flags, { long: 'subnet' })).toEqual(['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16']);
  });
  test('a malformed CSV value fails like pflag', () => {
    const { flags } = parseCommandLine(createSpec, ['--subnet', '"a', 'n']);
    expect(() => stringSliceFlag(flags, { long: 'subnet' })).toThrow('invalid argument "\\"a" for "--subnet" flag: parse error on line 1, column 3: extraneous or missing " in quoted-field');
  });
  test('map flags: last value wins, keys sorted, a bare key maps to ""', () => {
    const { flags } = parseCommandLine(createSpec, ['-o', 'b=1', '-o', 'a', '-o', 'b=2', 'n']);
    expect(JSON.stringify(mapFlag(flags, 'opt'))).toBe('{"a":"","b":"2"}');
  });
});
