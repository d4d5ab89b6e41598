/** The error `fn` throws, synchronously or by rejecting; fails the test when it throws nothing. */
export async function caught(fn: () => unknown): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, got none");
}
