import { execFileSync, spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Files of a throwaway CA with a server and a client certificate. */
export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** Why TLS suites must skip, or null when openssl is there. */
export function opensslMissing(): string | null {
  const probe = spawnSync("openssl", ["version"], { encoding: "utf8" });
  return probe.error === undefined && probe.status === 0
    ? null
    : "openssl not found on PATH; install it to run this suite";
}

/**
 * Makes a CA and two certificates it signs, with EC keys (fast to make):
 * one for a server at 127.0.0.1/localhost, one for a client.
 */
export async function makeTestPki(dir: string): Promise<TestPki> {
  const file = (name: string) => join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
  openssl(
    ["req", "-x509", ...ec, "-nodes", "-days", "1"].concat([
      "-subj",
      "/CN=ncm test CA",
      "-keyout",
      file("ca.key"),
      "-out",
      file("ca.pem"),
    ]),
  );
  await writeFile(
    file("server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
  );
  await writeFile(file("client.ext"), "extendedKeyUsage=clientAuth\n");
  for (const [name, cn] of [
    ["server", "localhost"],
    ["client", "ncm-client"],
  ]) {
    openssl(
      ["req", ...ec, "-nodes", "-subj", `/CN=${cn}`].concat([
        "-keyout",
        file(`${name}.key`),
        "-out",
        file(`${name}.csr`),
      ]),
    );
    openssl(
      ["x509", "-req", "-in", file(`${name}.csr`), "-days", "1"].concat([
        "-CA",
        file("ca.pem"),
        "-CAkey",
        file("ca.key"),
        "-CAcreateserial",
        "-extfile",
        file(`${name}.ext`),
        "-out",
        file(`${name}.pem`),
      ]),
    );
  }
  return {
    ca: file("ca.pem"),
    serverCert: file("server.pem"),
    serverKey: file("server.key"),
    clientCert: file("client.pem"),
    clientKey: file("client.key"),
  };
}

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: "ignore" });
}
