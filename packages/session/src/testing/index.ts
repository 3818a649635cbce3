/** Test doubles for code built on `@opencalls/session`. Not for production use. */
export { FakeClock } from './fake-clock.js';
export { FakeActivitySource } from './fake-activity-source.js';
