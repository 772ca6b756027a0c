/**
 * The template language's corpus: what parses and what each field accepts, and hostile bodies
 * and values (control and invisible characters, braces, huge inputs, prototype names) refused
 * with a typed problem, in time linear in the input.
 */
import { describe, expect, it } from 'vitest';
import {
  checkFieldValue,
  fieldLabel,
  parseTemplate,
  previewTemplate,
  renderTemplate,
  TEMPLATE_BODY_MAX,
  type ParsedTemplate,
} from '../../../shared/text/templates/template-language';

function parsed(body: string): ParsedTemplate {
  const result = parseTemplate(body);
  if (!result.ok) throw new Error(`did not parse: ${result.error.code}`);
  return result.value;
}

const problemOf = (body: string) => {
  const result = parseTemplate(body);
  return result.ok ? null : result.error.code;
};

describe('parsing a template', () => {
  it('reads literal text and typed fields in order, with {{ and }} as braces', () => {
    const template = parsed(
      'Bed {bed:number} at {time:time}: go to {desk:choice:Main desk|East entrance}. {note:text:20} {{ok}}',
    );
    expect(template.fields).toEqual([
      { name: 'bed', type: 'number' },
      { name: 'time', type: 'time' },
      { name: 'desk', type: 'choice', options: ['Main desk', 'East entrance'] },
      { name: 'note', type: 'text', maxLength: 20 },
    ]);
    expect(template.parts.at(-1)).toEqual({ kind: 'text', text: ' {ok}' });
    expect(parsed('Hello {who:text}').fields).toEqual([{ name: 'who', type: 'text', maxLength: 40 }]);
    expect(parsed('No fields at all.\nTwo lines.').fields).toEqual([]);
    expect(parsed('{slot:choice:10:00|11:00}').fields[0]).toMatchObject({ options: ['10:00', '11:00'] });
  });

  it.each([
    ['', 'EMPTY'],
    [' \n ', 'EMPTY'],
    ['x'.repeat(TEMPLATE_BODY_MAX + 1), 'TOO_LONG'],
    [Array.from({ length: 13 }, () => 'line').join('\n'), 'TOO_MANY_LINES'],
    ['Bed {bed:number', 'UNCLOSED_FIELD'],
    ['Bed {bed:\nnumber}', 'UNCLOSED_FIELD'],
    ['Bed {a{b:number}', 'UNCLOSED_FIELD'],
    ['Bed bed:number}', 'STRAY_CLOSE'],
    ['{Bed:number}', 'BAD_FIELD_NAME'],
    ['{:number}', 'BAD_FIELD_NAME'],
    ['{1bed:number}', 'BAD_FIELD_NAME'],
    [`{${'a'.repeat(25)}:number}`, 'BAD_FIELD_NAME'],
    ['{__proto__:number}', 'BAD_FIELD_NAME'],
    ['{bed}', 'UNKNOWN_TYPE'],
    ['{bed:float}', 'UNKNOWN_TYPE'],
    ['{bed:constructor}', 'UNKNOWN_TYPE'],
    ['{bed:number:5}', 'UNEXPECTED_ARGUMENT'],
    ['{t:time:x}', 'UNEXPECTED_ARGUMENT'],
    ['{a:number} {a:time}', 'DUPLICATE_FIELD'],
    [Array.from({ length: 9 }, (_, i) => `{f${String(i)}:number}`).join(' '), 'TOO_MANY_FIELDS'],
    ['{c:choice}', 'BAD_OPTIONS'],
    ['{c:choice:only}', 'BAD_OPTIONS'],
    ['{c:choice:a|a}', 'BAD_OPTIONS'],
    ['{c:choice:a||b}', 'BAD_OPTIONS'],
    ['{c:choice: a|b}', 'BAD_OPTIONS'],
    [`{c:choice:${Array.from({ length: 13 }, (_, i) => `o${String(i)}`).join('|')}}`, 'BAD_OPTIONS'],
    [`{c:choice:${'x'.repeat(41)}|b}`, 'BAD_OPTIONS'],
    ['{n:text:0}', 'BAD_LENGTH'],
    ['{n:text:81}', 'BAD_LENGTH'],
    ['{n:text:1e1}', 'BAD_LENGTH'],
    ['Ring \u202Eme', 'BAD_CHARACTER'],
    ['Zero\u200Bwidth', 'BAD_CHARACTER'],
    ['Bell\u0007', 'BAD_CHARACTER'],
    ['Carriage\r\nreturn', 'BAD_CHARACTER'],
    ['Tab\there', 'BAD_CHARACTER'],
  ])('refuses %j as %s', (body, code) => {
    expect(problemOf(body)).toBe(code);
  });

  it('parses the longest hostile body quickly', () => {
    const bodies = ['{'.repeat(TEMPLATE_BODY_MAX), '{{'.repeat(TEMPLATE_BODY_MAX / 2), `{a:choice:${'|'.repeat(980)}}`];
    const started = performance.now();
    for (const body of bodies) parseTemplate(body);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('filling a template in', () => {
  const template = parsed('Bed {bed:number} at {time:time}, {desk:choice:Main desk|East entrance}. {note:text:10}');
  const good = { bed: '12', time: '14:30', desk: 'East entrance', note: 'wheelchair' };

  it('renders checked values into the text', () => {
    expect(renderTemplate(template, good)).toEqual({ ok: true, value: 'Bed 12 at 14:30, East entrance. wheelchair' });
    const spaced = renderTemplate(template, { ...good, bed: ' 7 ' });
    expect(spaced.ok && spaced.value.startsWith('Bed 7 at')).toBe(true);
  });

  it('names every value that does not fit its field', () => {
    const result = renderTemplate(template, { bed: '12a', time: '24:00', desk: 'Roof', note: 'far too long here' });
    expect(result).toEqual({
      ok: false,
      error: [
        { code: 'NOT_A_NUMBER', field: 'bed' },
        { code: 'NOT_A_TIME', field: 'time' },
        { code: 'NOT_AN_OPTION', field: 'desk' },
        { code: 'TOO_LONG', field: 'note' },
      ],
    });
    expect(renderTemplate(template, { bed: '1', time: '09:05', desk: 'Main desk' })).toMatchObject({
      error: [{ code: 'MISSING', field: 'note' }],
    });
  });

  it('refuses a value for a field the template does not have, inherited names included', () => {
    expect(renderTemplate(template, { ...good, extra: 'x' })).toMatchObject({ error: [{ code: 'UNKNOWN_FIELD' }] });
    const sneaky = JSON.parse('{"__proto__": {"bed": "1"}}') as Record<string, string>;
    expect(renderTemplate(template, sneaky)).toMatchObject({ error: [{ code: 'UNKNOWN_FIELD' }] });
    expect(renderTemplate(template, Object.create({ bed: '1' }) as Record<string, string>)).toMatchObject({
      ok: false,
    });
  });

  it.each(['line\nbreak', 'bidi\u202Eflip', 'zero\u200Bw', '{bed:number}', 'a}b', '\u0000'])(
    'keeps %j out of a text field',
    (value) => {
      expect(checkFieldValue({ name: 'note', type: 'text', maxLength: 40 }, value)).toMatchObject({ ok: false });
    },
  );

  it('previews unfilled fields by their label, and labels names as words', () => {
    expect(previewTemplate(parsed('Pick up at {pick-up-time:time}.'))).toBe('Pick up at [Pick up time].');
    expect(previewTemplate(parsed('Bed {bed:number}'), { bed: '4' })).toBe('Bed 4');
    expect(fieldLabel({ name: 'bed' })).toBe('Bed');
  });
});
