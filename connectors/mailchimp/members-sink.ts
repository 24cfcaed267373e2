import type { SinkItem, SinkResult } from '../../src/sdk/connector.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import { runOperations, type Operation } from './batch-ops.ts';
import { retrying, type MailchimpContext } from './call.ts';
import { mapLimit } from './concurrency.ts';
import { classifyMailchimpError, failureOf } from './errors.ts';
import { memberPath } from './hash.ts';
import { isWrite, memberWrite, type MemberWrite } from './member-write.ts';

type Prepared = MemberWrite | SinkResult;

/** Note of members the hub did not write because they are not on the list (`skipped.notOnList`). */
export const NOT_ON_LIST = 'notOnList';

const paramsOf = (ctx: MailchimpContext) =>
  ctx.settings.skipMergeValidation ? { skip_merge_validation: true } : undefined;

/**
 * A failed member call as a sink result. A 404 means the audience has no such member (PATCH and
 * the tags endpoint only address existing members): skipped, not an error, as the hub never adds
 * anyone to a list.
 */
function outcomeOf(err: unknown): SinkResult {
  const e = classifyMailchimpError(err);
  if (e instanceof PermanentError && e.status === 404)
    return { ok: true, destinationId: null, skipped: NOT_ON_LIST };
  return failureOf(e);
}

/** A member with nothing to change: nothing is sent (not knowing whether it is on the list). */
const NOTHING: SinkResult = { ok: true, destinationId: null, skipped: 'nothingToWrite' };

/**
 * A member's outcome with what of it was not sent (`leftOut`), when the rest was written or there
 * was nothing else to write; a member not on the list was not written at all.
 */
function writtenOutcome(w: MemberWrite, r: SinkResult): SinkResult {
  const sent = r.ok && r.skipped !== NOT_ON_LIST;
  return sent && w.leftOut.length ? { ...r, leftOut: w.leftOut } : r;
}

/** Updates one member, then sets its tags; each call retried on 429/5xx. */
async function writeOne(ctx: MailchimpContext, w: MemberWrite): Promise<SinkResult> {
  const path = memberPath(ctx.settings.listId, w.hash);
  if (!w.body && !w.tags.length) return NOTHING;
  try {
    if (w.body) {
      const body = w.body;
      await retrying(ctx, () =>
        ctx.http.patch(path, body, { params: paramsOf(ctx), signal: ctx.signal }),
      );
    }
    if (w.tags.length) {
      await retrying(ctx, () =>
        ctx.http.post(`${path}/tags`, { tags: w.tags }, { signal: ctx.signal }),
      );
    }
    return { ok: true, destinationId: w.hash };
  } catch (err) {
    return outcomeOf(err);
  }
}

/** Small writes: one PATCH (and one tags POST) per member, `maxConnections` at a time. */
function writeEach(ctx: MailchimpContext, prepared: Prepared[]): Promise<SinkResult[]> {
  return mapLimit(prepared, ctx.settings.maxConnections, async (w) =>
    isWrite(w) ? writtenOutcome(w, await writeOne(ctx, w)) : w,
  );
}

/**
 * Large writes: the PATCHes as batch operations, then, for members whose PATCH succeeded (or that
 * only have tags to change), the tag changes as a second batch. Two phases because Mailchimp does
 * not promise the order in which a batch's operations run.
 */
async function writeBatched(ctx: MailchimpContext, prepared: Prepared[]): Promise<SinkResult[]> {
  const { listId } = ctx.settings;
  const results: (SinkResult | null)[] = prepared.map((w) =>
    !isWrite(w) ? w : !w.body && !w.tags.length ? NOTHING : null,
  );
  const op = (method: Operation['method'], i: number, suffix: string, body: unknown) => ({
    method,
    path: `${memberPath(listId, (prepared[i] as MemberWrite).hash)}${suffix}`,
    body: JSON.stringify(body),
    operation_id: `${method === 'PATCH' ? 'member' : 'tags'}-${i}`,
  });
  const patches = prepared.flatMap((w, i) =>
    isWrite(w) && w.body ? [{ ...op('PATCH', i, '', w.body), params: paramsOf(ctx) }] : [],
  );
  const patchOutcomes = await runOperations(ctx, patches);
  const tagOps: Operation[] = [];
  prepared.forEach((w, i) => {
    if (!isWrite(w) || results[i]) return;
    const failed = patchOutcomes.get(`member-${i}`);
    if (failed) results[i] = outcomeOf(failed);
    else if (w.tags.length) tagOps.push(op('POST', i, '/tags', { tags: w.tags }));
    else results[i] = { ok: true, destinationId: w.hash };
  });
  const tagOutcomes = await runOperations(ctx, tagOps);
  prepared.forEach((w, i) => {
    if (!isWrite(w) || results[i]) return;
    const failed = tagOutcomes.get(`tags-${i}`);
    results[i] = failed ? outcomeOf(failed) : { ok: true, destinationId: w.hash };
  });
  return (results as SinkResult[]).map((r, i) => {
    const w = prepared[i]!;
    return isWrite(w) ? writtenOutcome(w, r) : r;
  });
}

/**
 * The `members` sink: updates members already on the audience (by subscriber hash) and sets their
 * lifecycle tags; people not on it are skipped (`skipped.notOnList`), never added. Below
 * `batchThreshold` valid members it calls the API per member (results at once); from the
 * threshold on it uses batch operations (one submission, polling, then the results archive).
 */
export async function writeMembers(
  ctx: MailchimpContext,
  items: SinkItem[],
): Promise<SinkResult[]> {
  const prepared = items.map((item) => memberWrite(item.record, ctx.settings));
  const valid = prepared.filter(isWrite).length;
  if (valid === 0) return prepared as SinkResult[];
  return valid >= ctx.settings.batchThreshold
    ? writeBatched(ctx, prepared)
    : writeEach(ctx, prepared);
}
