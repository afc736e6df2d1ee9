import { describe, expect, test } from 'vitest';
import type { ContainerInspectResponse } from '../../client/index.js';
import { judgeContainer, type WaitConditionName } from './wait.js';

type Inspect = Pick<ContainerInspectResponse, 'Name' | 'State' | 'Config'>;

function inspect(status: string, options: { exitCode?: number; health?: string; test?: string[] } = {}): Inspect {
  return {
    Name: '/demo-db-1',
    State: { Status: status, ExitCode: options.exitCode ?? 0, Health: options.health !== undefined ? { Status: options.health, FailingStreak: 0, Log: [] } : undefined } as ContainerInspectResponse['State'],
    Config: { Healthcheck: options.test !== undefined ? { Test: options.test } : undefined } as ContainerInspectResponse['Config'],
  };
}

const HC = ['CMD', 'true'];
const cases: Array<{ name: string; condition: WaitConditionName; state: Inspect; verdict: ReturnType<typeof judgeContainer> }> = [
  { name: 'healthy passes service_healthy', condition: 'service_healthy', state: inspect('running', { test: HC, health: 'healthy' }), verdict: { kind: 'met', text: 'Healthy' } },
  { name: 'starting keeps waiting', condition: 'service_healthy', state: inspect('running', { test: HC, health: 'starting' }), verdict: { kind: 'pending' } },
  { name: 'unhealthy fails', condition: 'service_healthy', state: inspect('running', { test: HC, health: 'unhealthy' }), verdict: { kind: 'failed', message: 'container demo-db-1 is unhealthy' } },
  { name: 'no healthcheck fails service_healthy', condition: 'service_healthy', state: inspect('running'), verdict: { kind: 'failed', message: 'container demo-db-1 has no healthcheck configured' } },
  { name: 'healthcheck NONE counts as none', condition: 'service_healthy', state: inspect('running', { test: ['NONE'] }), verdict: { kind: 'failed', message: 'container demo-db-1 has no healthcheck configured' } },
  { name: 'an exited container cannot become healthy', condition: 'service_healthy', state: inspect('exited', { exitCode: 2, test: HC }), verdict: { kind: 'failed', message: 'container demo-db-1 exited (2)' } },
  { name: 'running without a healthcheck is enough for --wait', condition: 'running_or_healthy', state: inspect('running'), verdict: { kind: 'met', text: 'Running' } },
  { name: 'created is not running yet', condition: 'running_or_healthy', state: inspect('created'), verdict: { kind: 'pending' } },
  { name: '--wait on a healthcheck waits for healthy', condition: 'running_or_healthy', state: inspect('running', { test: HC, health: 'starting' }), verdict: { kind: 'pending' } },
  { name: 'exit 0 completes', condition: 'service_completed_successfully', state: inspect('exited'), verdict: { kind: 'met', text: 'Exited' } },
  { name: 'still running is pending', condition: 'service_completed_successfully', state: inspect('running'), verdict: { kind: 'pending' } },
  { name: 'non-zero exit fails with compose\'s text', condition: 'service_completed_successfully', state: inspect('exited', { exitCode: 3 }), verdict: { kind: 'failed', message: 'service "db" didn\'t complete successfully: exit 3' } },
];

describe('judgeContainer', () => {
  for (const { name, condition, state, verdict } of cases) test(name, () => expect(judgeContainer(condition, 'db', state)).toEqual(verdict));
});
