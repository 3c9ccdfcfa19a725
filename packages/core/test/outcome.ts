/** What a synchronous check decided: `'accepted'`, or the `reason` (and `:claim`, when asked) of its refusal. */
export function outcome(check: () => unknown, withClaim = false): string {
  try {
    check();
    return 'accepted';
  } catch (error) {
    const { reason, claim } = error as { reason?: string; claim?: string };
    if (reason === undefined) throw error;
    return withClaim ? `${reason}:${claim}` : reason;
  }
}
