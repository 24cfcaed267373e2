import type { FakeCampaign, FakeMailchimp } from '../sandbox/mailchimp.ts';
import { Rng } from './people.ts';
import type { Story } from './story.ts';

/** The store's newsletter audience in the Mailchimp sandbox. */
export const MAILCHIMP = { listId: 'lsm0a1b2c3', apiKey: '0123456789abcdef0123456789abcdef-us21' };

/** Campaigns over the quarter: one every two weeks. */
const EVERY_DAYS = 14;

/**
 * The newsletters' titles and subject lines, in send order (Mailchimp's `settings.title` and
 * `subject_line`); the last one is untitled, so reports name it by its subject line.
 */
const NEWSLETTERS: readonly [title: string, subject: string][] = [
  ['Truck Month kickoff', 'Truck Month at Lone Star Motors: Silverados from $389/mo'],
  ['Service specials', 'Your oil change, $29.95 this month'],
  ['Trade-in appraisal event', 'What is your car worth? Free appraisals this Saturday'],
  ['EV test drive weekend', 'Drive electric this weekend, on us'],
  ['Year-end sales event', 'Year-end prices on every 2026 in stock'],
  ['', 'Last call: 0% APR for 60 months ends Sunday'],
];
const DAY = 86_400_000;

/** What the audience did with the newsletters. */
export interface EmailPlayed {
  campaigns: number;
  opens: number;
  clicks: number;
  bounces: number;
}

/**
 * Every person who enquired before a send is on the audience (subscribed, prospect tag) and gets
 * that send; some open it within two days, some of those click the offer, a few addresses bounce
 * hard. The hub reads the activity through the real connector as email touchpoints.
 */
export function playNewsletters(mc: FakeMailchimp, story: Story, seed = 13): EmailPlayed {
  const rng = new Rng(seed);
  const joined = new Map<string, number>();
  for (const l of story.leads)
    if (!joined.has(l.person.email)) joined.set(l.person.email, l.createdAt);
  for (const [email, at] of joined) mc.add(email, 'subscribed', ['prospect'], new Date(at));
  const played: EmailPlayed = { campaigns: 0, opens: 0, clicks: 0, bounces: 0 };
  const dead = new Set<string>();
  for (
    let sent = story.start + EVERY_DAYS * DAY;
    sent < story.now - DAY;
    sent += EVERY_DAYS * DAY
  ) {
    const [title, subject] = NEWSLETTERS[played.campaigns % NEWSLETTERS.length]!;
    const campaign: FakeCampaign = {
      id: `c${(played.campaigns + 1).toString().padStart(3, '0')}lsm`,
      send_time: new Date(sent).toISOString(),
      title,
      subject_line: subject,
      emails: [],
    };
    played.campaigns++;
    for (const [email, at] of joined) {
      if (at > sent || dead.has(email)) continue;
      const when = (h: number) =>
        new Date(Math.min(sent + h * 3_600_000, story.now - 60_000)).toISOString();
      const r = rng.next();
      const activity: FakeCampaign['emails'][number]['activity'] = [];
      if (r < 0.01) {
        dead.add(email);
        activity.push({ action: 'bounce', type: 'hard', timestamp: when(0) });
        played.bounces++;
      } else if (r < 0.35) {
        activity.push({ action: 'open', timestamp: when(rng.int(1, 48)) });
        played.opens++;
        if (rng.next() < 0.3) {
          activity.push({
            action: 'click',
            timestamp: when(49),
            url: 'https://lonestarmotors.example/offers/silverado',
          });
          played.clicks++;
        }
      }
      campaign.emails.push({ email_address: email, activity });
    }
    mc.campaigns.push(campaign);
  }
  return played;
}
