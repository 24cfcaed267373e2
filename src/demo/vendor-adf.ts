import { DateTime } from 'luxon';

import { STORE, type StoryLead } from './story.ts';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Provider block of a lead: the store's website for Google Ads leads, else the lead site. */
function provider(lead: StoryLead): { name: string; service: string; url: string } {
  if (lead.campaign.channel === 'google')
    return {
      name: 'Google Ads',
      service: 'Website lead form',
      url: 'https://lonestarmotors.example/',
    };
  const host = lead.campaign.name === 'Cars.com' ? 'cars.com' : 'autotrader.com';
  return {
    name: lead.campaign.name,
    service: 'Dealer inventory lead',
    url: `https://www.${host}/`,
  };
}

/** One `<prospect>` of a lead: its own id first, then what the website form captured. */
function prospect(lead: StoryLead): string {
  const p = lead.person;
  const v = lead.vehicle;
  const src = provider(lead);
  const at = DateTime.fromMillis(lead.createdAt, { zone: STORE.timeZone }).toFormat(
    "yyyy-MM-dd'T'HH:mm:ssZZ",
  );
  const ids = [
    `<id sequence="1" source="${esc(src.name === 'Google Ads' ? 'DealerWebsite' : src.name)}">${lead.id}</id>`,
    ...(lead.gclid
      ? [
          `<id sequence="2" source="gclid">${lead.gclid}</id>`,
          `<id sequence="3" source="gad_campaignid">${lead.campaign.id}</id>`,
          `<id sequence="4" source="utm_campaign">${esc(lead.campaign.name)}</id>`,
        ]
      : []),
  ];
  return `  <prospect status="new">
    ${ids.join('\n    ')}
    <requestdate>${at}</requestdate>
    <vehicle interest="buy" status="${v.status}">
      <year>${v.year}</year><make>${esc(v.make)}</make><model>${esc(v.model)}</model><trim>${esc(v.trim)}</trim>
    </vehicle>
    <customer>
      <contact>
        <name part="first">${esc(p.firstName)}</name><name part="last">${esc(p.lastName)}</name>
        <email>${esc(p.email)}</email>
        <phone type="cellphone">${p.phone}</phone>
        <address type="home"><city>${esc(p.city)}</city><regioncode>TX</regioncode><postalcode>${p.postalCode}</postalcode><country>US</country></address>
      </contact>
      <comments>Is this one still available? What is the best out-the-door price?</comments>
    </customer>
    <vendor><vendorname>${esc(STORE.name)}</vendorname><contact><name part="full">Internet Sales</name><email>internet@lonestarmotors.example</email></contact></vendor>
    <provider><name part="full">${esc(src.name)}</name><service>${esc(src.service)}</service><url>${src.url}</url></provider>
  </prospect>`;
}

/**
 * The ADF/XML a lead site or the store's website posts (docs/vendors.md (ADF), strict DTD values): one
 * document of one or more prospects (`adf: prospect+`), each with its own id first and, for
 * website leads, the click id and Google Ads campaign the form captured from the landing URL
 * (`gclid`, `gad_campaignid`, `utm_campaign`).
 */
export function vendorAdf(leads: StoryLead[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<?adf version="1.0"?>
<adf>
${leads.map(prospect).join('\n')}
</adf>
`;
}
