/**
 * Google Ads on loopback with a rate limit: the sandbox (src/sandbox/google-ads.ts: OAuth, the
 * 2,000-conversion cap per request, every row checked) behind a token bucket on the upload
 * endpoint, as Google meters requests: "by queries per second (QPS) per client customer ID and
 * developer token using a Token Bucket algorithm", refusing the excess with
 * RESOURCE_TEMPORARILY_EXHAUSTED (developers.google.com/google-ads/api/docs/productionize/rate-limits).
 * A refused request takes no token and is answered 429 with `quotaErrorDetails.retryDelay`, the
 * time until the bucket holds a token again (the field Google's quota errors carry, docs/vendors.md (Google Ads)).
 */
import { randomBytes } from 'node:crypto';

import { GoogleAdsSandbox, type GoogleAdsAccount } from '../../src/sandbox/google-ads.ts';
import { jsonBody, type SandboxReply, type SandboxRequest } from '../../src/sandbox/server.ts';

/** One upload request as the fake answered it. */
export interface UploadSeen {
  /** When its body had arrived (ms, this process's clock). */
  atMs: number;
  status: number;
  /** Conversions the request carried. */
  conversions: number;
}

/** The fake's limit: requests per second refilled into a bucket of `burst`. */
export interface QpsLimit {
  requestsPerSecond: number;
  burst: number;
}

const UPLOAD = /:uploadClickConversions$/;

/** The 429 Google answers a request over its short-term rate (docs/vendors.md (Google Ads) body shape). */
function tooManyRequests(waitMs: number): SandboxReply {
  const message = 'Too many requests in a short amount of time.';
  return {
    status: 429,
    body: {
      error: {
        code: 429,
        message,
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.ads.googleads.v22.errors.GoogleAdsFailure',
            errors: [
              {
                errorCode: { quotaError: 'RESOURCE_TEMPORARILY_EXHAUSTED' },
                message,
                details: {
                  quotaErrorDetails: {
                    rateScope: 'ACCOUNT',
                    rateName: 'Requests per second per customer',
                    retryDelay: `${(waitMs / 1000).toFixed(3)}s`,
                  },
                },
              },
            ],
            requestId: randomBytes(11).toString('base64url'),
          },
        ],
      },
    },
  };
}

/** The Google Ads sandbox with a QPS token bucket on uploads; `uploads` lists what it answered. */
export class RateLimitedGoogleAds extends GoogleAdsSandbox {
  readonly uploads: UploadSeen[] = [];
  private bucket: number;
  private refilledAt = Date.now();

  constructor(
    account: GoogleAdsAccount,
    readonly limit: QpsLimit,
  ) {
    super(account);
    this.bucket = limit.burst;
  }

  protected override async answer(req: SandboxRequest): Promise<SandboxReply> {
    if (!UPLOAD.test(req.path)) return super.answer(req);
    const now = Date.now();
    const { requestsPerSecond: rate, burst } = this.limit;
    this.bucket = Math.min(burst, this.bucket + ((now - this.refilledAt) * rate) / 1000);
    this.refilledAt = now;
    const carried = (body: unknown) =>
      Array.isArray((body as { conversions?: unknown })?.conversions)
        ? (body as { conversions: unknown[] }).conversions.length
        : 0;
    const count = carried(jsonBody(req));
    let reply: SandboxReply;
    if (this.bucket < 1) reply = tooManyRequests(((1 - this.bucket) * 1000) / rate);
    else {
      this.bucket -= 1;
      reply = await super.answer(req);
    }
    this.uploads.push({ atMs: now, status: reply.status, conversions: count });
    return reply;
  }
}
