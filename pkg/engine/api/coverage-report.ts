#!/usr/bin/env node
// `npm run api-coverage`: which Engine API endpoints berthd serves, from the routes engineRouter
// registers (built over an inert engine: route tables only read engine members inside handlers).
// Flags: --missing lists only what is missing; --json prints the report as JSON.
import type { Engine } from '../engine.js';
import { computeCoverage, renderCoverage } from './coverage.js';
import { engineRouter } from './index.js';

/** Stands in for every engine member; route construction only stores references to them. */
function inertEngine(): Engine {
  const inert: unknown = new Proxy(() => undefined, {
    get: (_target, key) => (key === Symbol.toPrimitive ? () => '' : inert),
    apply: () => inert,
  });
  return inert as Engine;
}

const report = computeCoverage(engineRouter(inertEngine()).routes());
const args = process.argv.slice(2);
process.stdout.write(args.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : renderCoverage(report, { missingOnly: args.includes('--missing') }));
