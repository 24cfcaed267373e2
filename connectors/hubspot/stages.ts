import type { LifecycleStage } from '../../src/canonical/lead.ts';
import type { CrmObject } from './wire.ts';

/**
 * Stage ids of HubSpot's default sales pipeline ("default"), as a dealership reads them. Custom
 * pipelines have numeric stage ids, mapped per connection in `settings.dealStages`.
 */
export const DEFAULT_PIPELINE_STAGES: Readonly<Record<string, LifecycleStage>> = {
  appointmentscheduled: 'appointment',
  qualifiedtobuy: 'contacted',
  presentationscheduled: 'shown',
  decisionmakerboughtin: 'shown',
  contractsent: 'shown',
  closedwon: 'sold',
  closedlost: 'lost',
};

/** The deal properties the stage decision reads. */
export const STAGE_PROPERTIES = ['dealstage', 'pipeline', 'hs_is_closed_won', 'hs_is_closed_lost'];

/**
 * The lifecycle stage of a deal: the connection's own stage map first (pipelines differ), then
 * HubSpot's calculated closed-won / closed-lost flags, which hold for any pipeline's closed stages
 * ("Is Closed Won" is a default deal property; `hs_is_closed_lost` is UNCONFIRMED as an internal
 * name and simply absent where it does not exist), then the default pipeline's stage ids.
 * Undefined when the stage means nothing to the lifecycle: the lead keeps its stage.
 */
export function lifecycleOfDeal(
  deal: CrmObject,
  stageMap: Readonly<Record<string, LifecycleStage>>,
): LifecycleStage | undefined {
  const p = deal.properties;
  const stage = typeof p.dealstage === 'string' ? p.dealstage : '';
  if (stage && stageMap[stage]) return stageMap[stage];
  if (p.hs_is_closed_won === 'true') return 'sold';
  if (p.hs_is_closed_lost === 'true') return 'lost';
  return DEFAULT_PIPELINE_STAGES[stage];
}
