import { describe, expect, test } from 'vitest';
import type { ContainerSummary } from '../../client/index.js';
import { renderRows } from '../format/formatter.js';
import { ComposeContainerContext, PS_TABLE_FORMAT } from './list.js';

const summary = (status: string, state = 'running'): ContainerSummary =>
  ({
    Id: 'f'.repeat(64),
    Names: ['/shop-web-1'],
    Image: 'busybox',
    ImageID: 'sha256:' + 'a'.repeat(64),
    Command: "sh -c 'echo hi'",
    Created: 1_700_000_000,
    Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
    Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
    State: state,
    Status: status,
    Mounts: [],
  }) as unknown as ContainerSummary;

describe('ComposeContainerContext', () => {
  test('compose fields from labels and the status text', () => {
    const running = new ComposeContainerContext(summary('Up 5 minutes (healthy)'), true, 1_700_000_300_000);
    expect([running.Name(), running.Service(), running.Project(), running.ExitCode(), running.Health()]).toEqual(['shop-web-1', 'web', 'shop', 0, 'healthy']);
    expect(running.Publishers()).toEqual([{ URL: '0.0.0.0', TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp' }]);
    const exited = new ComposeContainerContext(summary('Exited (137) 2 seconds ago', 'exited'), true, 0);
    expect([exited.ExitCode(), exited.Health()]).toEqual([137, '']);
    expect(new ComposeContainerContext(summary('Up 1 second (health: starting)'), true, 0).Health()).toBe('starting');
  });

  test('the default table has compose\'s columns', () => {
    const text = renderRows(PS_TABLE_FORMAT, [new ComposeContainerContext(summary('Up 5 minutes'), true, 1_700_000_300_000)], { Name: 'NAME', Image: 'IMAGE', Command: 'COMMAND', Service: 'SERVICE', RunningFor: 'CREATED', Status: 'STATUS', Ports: 'PORTS' });
    const [header, row] = text.split('\n');
    expect(header).toMatch(/^NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS$/);
    expect(row).toMatch(/^shop-web-1 +busybox +"sh -c 'echo hi'" +web +5 minutes ago +Up 5 minutes +0\.0\.0\.0:8080->80\/tcp$/);
  });
});
