/**
 * Query parameter names that carry a secret (an API key, a token, a signature): a URL with one
 * would keep that secret in the connection's settings, which are stored and shown as they are.
 */
const SECRET_PARAM = /(^|_|-)(key|apikey|api_key|token|secret|password|passwd|pwd|sig|signature)$/i;

/** Why a settings value would keep a secret in plain text, or null when it does not. */
function secretInUrl(value: string): string | null {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password) return 'a URL with a user name or password';
  const param = [...url.searchParams.keys()].find((k) => SECRET_PARAM.test(k));
  return param ? `a URL whose query carries a secret (${param})` : null;
}

/**
 * The settings values (by path, `settings.leadIntakeUrl`) that would keep a secret in plain
 * text: URLs with credentials in them. Settings are stored and shown as they are; secrets belong
 * in the credentials, which are sealed (src/store/crypto.ts).
 */
export function secretsInSettings(
  value: unknown,
  path = 'settings',
): { path: string; message: string }[] {
  if (typeof value === 'string') {
    const why = secretInUrl(value);
    return why ? [{ path, message: `${why}: put the secret in the credentials (sealed)` }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => secretsInSettings(v, `${path}.${i}`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => secretsInSettings(v, `${path}.${k}`));
  return [];
}
