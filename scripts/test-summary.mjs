// Prints vitest's totals as one plain line ("vitest: N passed, N failed, N skipped") from the JSON
// report that CI runs write, so a reader of the log needs no colours or parsing.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
process.exit(r.numFailedTests === 0 && r.numTotalTests > 0 ? 0 : 1);
