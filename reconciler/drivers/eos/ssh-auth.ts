import type {
  AnyAuthMethod,
  AuthenticationType,
  AuthHandlerMiddleware,
} from "ssh2";

/** Login methods the driver can use, in the order it prefers them. */
export type AuthMethodName = "publickey" | "password" | "keyboard-interactive";

export const AUTH_METHODS: readonly AuthMethodName[] = [
  "publickey",
  "password",
  "keyboard-interactive",
];

export interface Credentials {
  username: string;
  password?: string;
  privateKey?: Buffer;
  passphrase?: string;
}

/**
 * Tries each method we have credentials for, in `order`, skipping those the
 * device says it does not offer. Real EOS often offers keyboard-interactive
 * only; every prompt there asks for the password.
 */
export function authHandler(
  credentials: Credentials,
  order: readonly AuthMethodName[],
): AuthHandlerMiddleware {
  const untried = order.filter((name) => usable(name, credentials));
  return (offered, _partialSuccess, next) => {
    // `offered` is null before the first attempt: the device has not
    // listed its methods yet.
    const allowed = (name: AuthMethodName) =>
      offered === null || offered.includes(name as AuthenticationType);
    const index = untried.findIndex(allowed);
    if (index === -1) {
      // ssh2 reads `false` as "no method left" and reports the failure.
      next(false as unknown as AnyAuthMethod);
      return;
    }
    const [name] = untried.splice(index, 1);
    next(method(name!, credentials));
  };
}

function usable(name: AuthMethodName, credentials: Credentials): boolean {
  return name === "publickey"
    ? credentials.privateKey !== undefined
    : credentials.password !== undefined;
}

function method(name: AuthMethodName, c: Credentials): AnyAuthMethod {
  switch (name) {
    case "publickey":
      return {
        type: "publickey",
        username: c.username,
        key: c.privateKey!,
        passphrase: c.passphrase,
      };
    case "password":
      return { type: "password", username: c.username, password: c.password! };
    case "keyboard-interactive":
      return {
        type: "keyboard-interactive",
        username: c.username,
        prompt: (_name, _instructions, _lang, prompts, finish) => {
          finish(prompts.map(() => c.password ?? ""));
        },
      };
  }
}
