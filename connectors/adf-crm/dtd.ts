/**
 * The ADF 1.0 DTD as data: each element's content model written exactly as the DTD writes it,
 * and its attributes with their enumerations and defaults. Source: the DTD in the official "ADF
 * Specification v1.0" (adfxml.info), as transcribed in carmelosantana/sendadf `docs/adf-1.0.dtd`
 * and in docs/vendors.md (ADF) (carmelosantana/sendadf `docs/adf-1.0.dtd`). Generation, validation and parsing all read this table.
 */

/** `#PCDATA`: text only. */
export const TEXT = '#PCDATA';

/**
 * Content models. Transcription slips resolved here: `option` reads `weighting price?` (a comma
 * lost) → `weighting?, price?`; `comments` reads `(PCDATA)` → text. `timeframe` is declared as
 * text although the DTD also declares `description, earliestdate?, latestdate?` for it
 * (unconfirmed by the vendor): the validator accepts either form and the generator writes neither.
 */
export const CONTENT: Readonly<Record<string, string>> = {
  adf: 'prospect+',
  prospect: 'id*, requestdate, vehicle+, customer, vendor, provider?',
  vehicle:
    'id*, year, make, model, vin?, stock?, trim?, doors?, bodystyle?, transmission?, odometer?, ' +
    'colorcombination*, imagetag?, price?, pricecomments?, option*, finance?, comments?',
  colorcombination:
    '((interiorcolor | exteriorcolor) | (interiorcolor, exteriorcolor)), preference',
  option: 'optionname, manufacturercode?, stock?, weighting?, price?',
  finance: 'method, amount+, balance?',
  customer: 'contact, id*, timeframe?, comments?',
  vendor: 'id*, vendorname, url?, contact',
  provider: 'id*, name, service?, url?, email?, phone?, contact?',
  contact: 'name+, ((email | phone+) | (email, phone+)), address?',
  address: 'street+, apartment?, city?, regioncode?, postalcode?, country?',
};

/** The element form of `timeframe` the DTD also declares (see `CONTENT`). */
export const TIMEFRAME_ELEMENTS = 'description, earliestdate?, latestdate?';

/** Text-only elements. */
export const TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  'requestdate',
  'year',
  'make',
  'model',
  'vin',
  'stock',
  'trim',
  'doors',
  'bodystyle',
  'transmission',
  'odometer',
  'condition',
  'imagetag',
  'price',
  'pricecomments',
  'interiorcolor',
  'exteriorcolor',
  'preference',
  'optionname',
  'manufacturercode',
  'weighting',
  'method',
  'amount',
  'balance',
  'timeframe',
  'description',
  'earliestdate',
  'latestdate',
  'vendorname',
  'service',
  'name',
  'email',
  'phone',
  'street',
  'apartment',
  'city',
  'regioncode',
  'postalcode',
  'country',
  'id',
  'comments',
  'url',
]);

/** An attribute: its enumeration (null for CDATA) and its DTD default, if any. */
export interface AttributeDef {
  values: readonly string[] | null;
  default?: string;
}

const en = (values: string[], def?: string): AttributeDef =>
  def === undefined ? { values } : { values, default: def };
const cdata: AttributeDef = { values: null };
const flag = en(['0', '1'], '0');

/**
 * Attributes by element. `name@part`: the DTD says `surname | first | middle | last | full`, a
 * Python ADF builder says `first | middle | suffix | last | full`; which is right is UNCONFIRMED
 * (docs/vendors.md (ADF)), so both `surname` and `suffix` are accepted and the generator writes only
 * first, middle, last or full. `contact@primarycontact (0|1)` is in the spec's prose and in
 * real feeds but not in the DTD transcription (UNCONFIRMED): accepted, never written.
 */
export const ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, AttributeDef>>>> = {
  prospect: { status: en(['new', 'resend'], 'new') },
  vehicle: {
    interest: en(['buy', 'lease', 'sell', 'trade-in', 'test-drive'], 'buy'),
    status: en(['new', 'used'], 'new'),
  },
  odometer: {
    status: en(['unknown', 'rolledover', 'replaced', 'original']),
    units: en(['km', 'mi']),
  },
  imagetag: { width: cdata, height: cdata, alttext: cdata },
  amount: {
    type: en(['downpayment', 'monthly', 'total'], 'total'),
    limit: en(['maximum', 'minimum', 'exact'], 'maximum'),
    currency: cdata,
  },
  balance: { type: en(['finance', 'residual'], 'finance'), currency: cdata },
  contact: { primarycontact: flag },
  name: {
    part: en(['surname', 'suffix', 'first', 'middle', 'last', 'full'], 'full'),
    type: en(['business', 'individual'], 'individual'),
  },
  email: { preferredcontact: flag },
  phone: {
    type: en(['voice', 'fax', 'cellphone', 'pager'], 'voice'),
    time: en(['morning', 'afternoon', 'evening', 'nopreference', 'day'], 'nopreference'),
    preferredcontact: flag,
  },
  address: { type: en(['work', 'home', 'delivery']) },
  street: { line: cdata },
  price: {
    type: en(['quote', 'offer', 'msrp', 'invoice', 'call', 'appraisal', 'asking'], 'quote'),
    currency: cdata,
    delta: en(['absolute', 'relative', 'percentage']),
    relativeto: en(['msrp', 'invoice']),
    source: cdata,
  },
  id: { sequence: cdata, source: cdata },
};

/**
 * `requestdate` and the other dates: ISO 8601 date-time with a full offset (`Z` or `±hh:mm`),
 * as the spec's "ISO 8601:1988" dates are written by the generator.
 */
export const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Suggested MIME type of an ADF document (docs/vendors.md (ADF), Wikipedia "Auto-lead Data Format"). */
export const ADF_MIME = 'application/x-adf+xml';

/** The prolog every generated document starts with: declaration, then the ADF instruction. */
export const ADF_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n<?adf version="1.0"?>\n';
