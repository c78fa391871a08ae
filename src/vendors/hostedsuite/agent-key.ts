/**
 * The agent key of a call: its AnsweredBy name, trimmed with inner runs of whitespace collapsed, then looked up in
 * the tenant's alias map (a spelling → the agent key it stands for); null when the call has no AnsweredBy (missed).
 * HostedSuite v2 names operators only by display name, so the key is the name (docs/vendors/hostedsuite-contract.md).
 */
export function agentKeyOf(answeredBy: unknown, aliases: Readonly<Record<string, string>>): string | null {
  if (typeof answeredBy !== 'string') return null;
  const name = answeredBy.trim().replace(/\s+/g, ' ');
  if (name === '') return null;
  return Object.hasOwn(aliases, name) ? (aliases[name] as string) : name;
}
