import { type Logger, pino } from "pino";

export type { Logger } from "pino";

export type LogLevel =
  | "fatal"
  | "error"
  | "warn"
  | "info"
  | "debug"
  | "trace"
  | "silent";

const LEVELS: readonly LogLevel[] = [
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent",
];

export function isLogLevel(value: string): value is LogLevel {
  return (LEVELS as readonly string[]).includes(value);
}

/**
 * Keys whose values never reach a log line, wherever they appear in the
 * logged object. Config text is left out by simply never logging it.
 */
const REDACT = [
  "password",
  "enablePassword",
  "passphrase",
  "privateKey",
  "secret",
  "token",
  "creds",
  "*.password",
  "*.enablePassword",
  "*.passphrase",
  "*.privateKey",
  "*.secret",
  "*.token",
  "*.creds",
];

/**
 * The root logger: JSON lines on stderr, or pretty lines when stderr is a
 * terminal so a person at a shell can read them.
 */
export function createLogger(level: LogLevel = "info"): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: "[redacted]" },
  };
  if (process.stderr.isTTY) {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: { destination: 2, translateTime: "SYS:HH:MM:ss.l" },
      },
    });
  }
  return pino(options, pino.destination({ dest: 2, sync: false }));
}

/** A logger that writes nothing, for library use and tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** JSON lines appended to a file, for the demo whose terminal shows a table. */
export function createFileLogger(level: LogLevel, file: string): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT, censor: "[redacted]" },
    },
    pino.destination({ dest: file, sync: false, mkdir: true }),
  );
}
