// Running a piece of a test with an environment variable the engine reads per call (for example
// RNN_LAB_DIRECT_STEP, read by the trainer at each run), put back as it was afterwards.

/** Calls `f` with `process.env[name]` set to `value`, then restores it (or removes it). */
export async function withEnv<T>(name: string, value: string, f: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}
