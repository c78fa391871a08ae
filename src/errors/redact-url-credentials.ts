/** `scheme://userinfo@`: the credentials part of a URL, up to its last `@` before the path, query or fragment. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*(?:@[^\s/?#@"'<>]*)*@/gi;

/**
 * `text` with the user name and password of every URL in it replaced by `[redacted]`
 * (`https://svc:S3cret@registry.example/x` → `https://[redacted]@registry.example/x`). The one redaction of URL
 * credentials: error messages ({@link AgentTimelinesError}), every log line (the logger), /readyz bodies and
 * configuration errors all pass through it.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1[redacted]@');
}
