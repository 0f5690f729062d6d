/** Environment variables as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

export type Expansion =
  | { ok: true; value: string }
  /** `unset` names the variable when that is what went wrong. */
  | { ok: false; problem: string; unset?: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${VAR}` with the variable's value and `$${` with a literal `${`.
 * A problem names the variable, never a value, so it is safe to show even
 * when the text is a password.
 */
export function expandEnv(text: string, env: Environment): Expansion {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar === -1) {
      return { ok: true, value: out + text.slice(i) };
    }
    out += text.slice(i, dollar);
    if (text.startsWith("$${", dollar)) {
      out += "${";
      i = dollar + 3;
      continue;
    }
    if (!text.startsWith("${", dollar)) {
      out += "$";
      i = dollar + 1;
      continue;
    }
    const close = text.indexOf("}", dollar + 2);
    if (close === -1) {
      return {
        ok: false,
        problem: `has an unterminated variable reference (no closing "}")`,
      };
    }
    const name = text.slice(dollar + 2, close);
    const value = lookup(name, env);
    if (!value.ok) {
      return value;
    }
    out += value.value;
    i = close + 1;
  }
  return { ok: true, value: out };
}

function lookup(name: string, env: Environment): Expansion {
  if (!NAME.test(name)) {
    return {
      ok: false,
      problem:
        `refers to ${JSON.stringify("${" + name + "}")}, which is no ` +
        "variable name (expected letters, digits and _)",
    };
  }
  const value = env[name];
  if (value === undefined) {
    return {
      ok: false,
      problem: `needs environment variable ${name}, which is not set`,
      unset: name,
    };
  }
  return { ok: true, value };
}
