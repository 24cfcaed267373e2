import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { checkChildren, compileContentModel } from '../../../connectors/adf-crm/content-model.ts';
import { validateAdf } from '../../../connectors/adf-crm/validate.ts';

const reference = readFileSync('connectors/adf-crm/fixtures/reference-example.xml', 'utf8');
const edit = (from: string | RegExp, to: string) => reference.replace(from, to);

describe('ADF content models', () => {
  it('compiles a DTD content model into a regex over child names', () => {
    const contact = compileContentModel('name+, ((email | phone+) | (email, phone+)), address?');
    const ok = (names: string[]) => contact.test(names.map((n) => `${n},`).join(''));
    expect(ok(['name', 'email'])).toBe(true);
    expect(ok(['name', 'name', 'phone', 'phone', 'address'])).toBe(true);
    expect(ok(['name', 'email', 'phone'])).toBe(true);
    expect(ok(['name'])).toBe(false);
    expect(ok(['email', 'name'])).toBe(false);
    expect(ok(['name', 'phone', 'email'])).toBe(false);
    expect(() => compileContentModel('name, <bad>')).toThrow(/bad content model/);
  });

  it('accepts both the text and the element form of timeframe (UNCONFIRMED in the DTD)', () => {
    expect(checkChildren('timeframe', [])).toBeNull();
    expect(checkChildren('timeframe', ['description', 'latestdate'])).toBeNull();
    expect(checkChildren('timeframe', ['latestdate'])).toMatch(/do not match/);
  });
});

describe('validateAdf', () => {
  it('accepts the DTD example of the reference', () => {
    expect(validateAdf(reference)).toEqual([]);
  });

  it.each([
    [
      'element order',
      edit(/(<id .*?<\/id>)\s*(<requestdate>.*?<\/requestdate>)/, '$2$1'),
      /prospect.*do not match/,
    ],
    ['a missing vendor', edit(/<vendor>.*<\/vendor>/, ''), /prospect\[1\]: .*vendor/],
    [
      'a vendor without vendorname',
      edit(/<vendorname>.*?<\/vendorname>/, ''),
      /vendor\[\d\]: .*do not match/,
    ],
    ['a vehicle without model', edit('<model>Civic</model>', ''), /vehicle\[\d\]: .*do not match/],
    [
      'a contact without email or phone',
      edit(/<email>jane.*?<\/email>\s*<phone.*?<\/phone>/, ''),
      /contact/,
    ],
    [
      'phone type="mobile"',
      edit('type="voice"', 'type="mobile"'),
      /type="mobile" is not one of voice \| fax \| cellphone \| pager/,
    ],
    ['name part="nickname"', edit('part="first"', 'part="nickname"'), /part="nickname"/],
    ['prospect status="old"', edit('status="new"', 'status="old"'), /status="old"/],
    ['an undeclared attribute', edit('<email>', '<email kind="home">'), /has no attribute "kind"/],
    [
      'an unknown element',
      edit('<trim>EX</trim>', '<trim>EX</trim><color>red</color>'),
      /<color> is not an ADF 1.0 element/,
    ],
    [
      'a text element with children',
      edit('<make>Honda</make>', '<make><name>Honda</name></make>'),
      /holds text only/,
    ],
    ['a requestdate without offset', edit('-08:00</requestdate>', '</requestdate>'), /full offset/],
    ['an offset without colon', edit('-08:00</requestdate>', '-0800</requestdate>'), /full offset/],
    ['a missing <?adf?> instruction', edit('<?adf version="1.0"?>', ''), /<\?adf version="1.0"\?>/],
    [
      'the instruction before the declaration',
      `<?adf version="1.0"?>\n${edit('<?adf version="1.0"?>', '')}`,
      /not well-formed/,
    ],
    [
      'a root other than adf',
      reference.replace(/<adf>|<\/adf>/g, ''),
      /root element must be <adf>/,
    ],
  ])('refuses %s', (_what, xml, problem) => {
    const problems = validateAdf(xml);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('reports every problem of a document at once', () => {
    const xml = edit('type="voice"', 'type="mobile"').replace('<model>Civic</model>', '');
    expect(validateAdf(xml)).toHaveLength(2);
  });
});
