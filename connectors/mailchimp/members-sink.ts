import type { SinkItem, SinkResult } from '../../src/sdk/connector.ts';
import { runOperations, type Operation } from './batch-ops.ts';
import { retrying, type MailchimpContext } from './call.ts';
import { mapLimit } from './concurrency.ts';
import { failureOf } from './errors.ts';
import { memberPath } from './hash.ts';
import { isWrite, memberWrite, type MemberWrite } from './member-write.ts';

type Prepared = MemberWrite | SinkResult;

const paramsOf = (ctx: MailchimpContext) =>
  ctx.settings.skipMergeValidation ? { skip_merge_validation: true } : undefined;

/** Upserts one member, then sets its tags; each call retried on 429/5xx. */
async function writeOne(ctx: MailchimpContext, w: MemberWrite): Promise<SinkResult> {
  const path = memberPath(ctx.settings.listId, w.hash);
  try {
    await retrying(ctx, () =>
      ctx.http.put(path, w.body, { params: paramsOf(ctx), signal: ctx.signal }),
    );
    if (w.tags.length) {
      await retrying(ctx, () =>
        ctx.http.post(`${path}/tags`, { tags: w.tags }, { signal: ctx.signal }),
      );
    }
    return { ok: true, destinationId: w.hash };
  } catch (err) {
    return failureOf(err);
  }
}

/** Small writes: one PUT (and one tags POST) per member, `maxConnections` at a time. */
function writeEach(ctx: MailchimpContext, prepared: Prepared[]): Promise<SinkResult[]> {
  return mapLimit(prepared, ctx.settings.maxConnections, async (w) =>
    isWrite(w) ? writeOne(ctx, w) : w,
  );
}

/**
 * Large writes: the PUTs as batch operations, then, for members whose PUT succeeded, the tag
 * changes as a second batch. Two phases because Mailchimp does not promise the order in which a
 * batch's operations run, and tagging a member that does not exist yet answers 404.
 */
async function writeBatched(ctx: MailchimpContext, prepared: Prepared[]): Promise<SinkResult[]> {
  const { listId } = ctx.settings;
  const results: (SinkResult | null)[] = prepared.map((w) => (isWrite(w) ? null : w));
  const op = (method: Operation['method'], i: number, suffix: string, body: unknown) => ({
    method,
    path: `${memberPath(listId, (prepared[i] as MemberWrite).hash)}${suffix}`,
    body: JSON.stringify(body),
    operation_id: `${method === 'PUT' ? 'member' : 'tags'}-${i}`,
  });
  const puts = prepared.flatMap((w, i) =>
    isWrite(w) ? [{ ...op('PUT', i, '', w.body), params: paramsOf(ctx) }] : [],
  );
  const putOutcomes = await runOperations(ctx, puts);
  const tagOps: Operation[] = [];
  prepared.forEach((w, i) => {
    if (!isWrite(w)) return;
    const failed = putOutcomes.get(`member-${i}`);
    if (failed) results[i] = failureOf(failed);
    else if (w.tags.length) tagOps.push(op('POST', i, '/tags', { tags: w.tags }));
    else results[i] = { ok: true, destinationId: w.hash };
  });
  const tagOutcomes = await runOperations(ctx, tagOps);
  prepared.forEach((w, i) => {
    if (!isWrite(w) || results[i]) return;
    const failed = tagOutcomes.get(`tags-${i}`);
    results[i] = failed ? failureOf(failed) : { ok: true, destinationId: w.hash };
  });
  return results as SinkResult[];
}

/**
 * The `members` sink: upserts audience members by subscriber hash with their lifecycle tags.
 * Below `batchThreshold` valid members it calls the API per member (results at once); from the
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
