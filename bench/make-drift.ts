import { Client } from "ssh2";

export interface Login {
  host: string;
  port: number;
  username: string;
  password: string;
}

/**
 * Changes a device's running-config behind ncm's back, the way a person at
 * the CLI does (`configure`, a line, `end`), over an SSH exec channel of
 * the bench's own: the simulator stays a separate process and untouched.
 */
export function makeDrift(login: Login, line: string): Promise<void> {
  const client = new Client();
  return new Promise<void>((resolve, reject) => {
    client.once("error", reject);
    client.once("ready", () => {
      client.exec(`configure\n${line}\nend`, (err, channel) => {
        if (err !== undefined && err !== null) {
          reject(err);
          return;
        }
        channel.resume();
        channel.stderr.resume();
        channel.once("exit", (code: number | null) => {
          code === 0
            ? resolve()
            : reject(
                new Error(`drift refused on port ${login.port}: exit ${code}`),
              );
        });
      });
    });
    client.connect({
      ...login,
      hostVerifier: () => true,
      readyTimeout: 30_000,
    });
  }).finally(() => client.end());
}
