/**
 * Signals that end a long-running command. SIGHUP is among them: a
 * closed terminal must stop a demo or a minion as cleanly as Ctrl-C, not
 * kill it with sessions open and children left running.
 */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Resolves on the first of `signals`, so long-running commands can stop
 * cleanly. `ncm sim` leaves SIGHUP out: there it re-reads the faults.
 */
export function untilSignal(
  signals: readonly NodeJS.Signals[] = STOP_SIGNALS,
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      for (const name of signals) {
        process.off(name, onSignal);
      }
      resolve(signal);
    };
    for (const name of signals) {
      process.on(name, onSignal);
    }
  });
}
