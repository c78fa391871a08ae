import type { AlertTransition } from '../core/alerts/alert-transition.ts';

const STATUSES = new Set(['firing', 'resolved']);
const KINDS = new Set(['state-duration', 'ready-below']);

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * A decoded `out.alerts` value (schemas/alert.avsc) as an {@link AlertTransition}, or the reason it is not one. The
 * schema already fixes the types; this catches a record written under another subject or by hand.
 */
export function alertTransitionOf(value: Readonly<Record<string, unknown>>): AlertTransition | { readonly problem: string } {
  const { id, status, tenant, ruleId, ruleKind, agentId, userName, since, firedAt, resolvedAt, userStatus, handlingStatus, reason, readyCount } = value;
  if (!isText(id) || id === '') return { problem: 'no id' };
  if (!isText(status) || !STATUSES.has(status)) return { problem: `status ${String(status)} is neither firing nor resolved` };
  if (!isText(tenant) || tenant === '' || !isText(ruleId) || ruleId === '') return { problem: 'no tenant or rule id' };
  if (!id.startsWith(`${tenant}/${ruleId}/`)) return { problem: `id ${id} is not an episode of tenant ${tenant} and rule ${ruleId}` };
  if (!isText(ruleKind) || !KINDS.has(ruleKind)) return { problem: `unknown rule kind ${String(ruleKind)}` };
  if (!isTime(since) || !isTime(firedAt)) return { problem: 'since or firedAt is not a time' };
  if (status === 'resolved' ? !isTime(resolvedAt) : resolvedAt !== null && resolvedAt !== undefined) return { problem: `a ${status} alert with resolvedAt ${String(resolvedAt)}` };
  if (!isTextOrNull(agentId ?? null) || !isTextOrNull(userName ?? null) || !isTextOrNull(userStatus ?? null) || !isTextOrNull(handlingStatus ?? null) || !isTextOrNull(reason ?? null)) return { problem: 'a text field is not text' };
  if (readyCount !== null && readyCount !== undefined && !Number.isInteger(readyCount)) return { problem: 'readyCount is not a whole number' };
  return {
    id, status: status as AlertTransition['status'], tenant, ruleId, ruleKind: ruleKind as AlertTransition['ruleKind'],
    agentId: (agentId ?? null) as string | null, userName: (userName ?? null) as string | null, since, firedAt, resolvedAt: status === 'resolved' ? (resolvedAt as number) : null,
    userStatus: (userStatus ?? null) as string | null, handlingStatus: (handlingStatus ?? null) as string | null, reason: (reason ?? null) as string | null,
    readyCount: (readyCount ?? null) as number | null,
  };
}
