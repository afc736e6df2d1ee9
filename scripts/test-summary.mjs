// Prints "N passed, N failed" from a vitest JSON report (the last line CI reads).
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  if (report.numFailedTestSuites && !report.numFailedTests) failed += report.numFailedTestSuites;
} catch (err) {
  console.error(`no readable vitest report: ${err.message}`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
