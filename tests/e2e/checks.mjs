// The checks of the e2e clients (ts-client, ts-oauth, ts-gateway): one "PASS <check>" or
// "FAIL <check>: <reason>" line each, counted for the summary line tests/run-all.sh adds up.

export const counts = { passed: 0, failed: 0 };

export function pass(name, detail) {
  counts.passed++;
  console.log(`PASS ${name}${detail ? ` (${detail})` : ''}`);
}

export function fail(name, reason) {
  counts.failed++;
  console.log(`FAIL ${name}: ${reason}`);
}

/** Runs fn; a thrown error is the check's failure. Returns fn's result, or undefined on failure. */
export async function check(name, fn) {
  try {
    const detail = await fn();
    pass(name, typeof detail === 'string' ? detail : undefined);
    return detail ?? true;
  } catch (error) {
    fail(name, error?.message ?? String(error));
    return undefined;
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}
