/**
 * The message template language: literal text with typed fill-in fields, and nothing else (no
 * expressions, no markup, nothing evaluated). One pure module, so the server checks a template
 * when IT saves it, main renders and checks it at send, and the renderer builds its form, all by
 * the same rules.
 *
 *   Patient in bed {bed:number} is ready for transport at {time:time}.
 *   Please come to {desk:choice:Main desk|East entrance|Outpatients}. {note:text:40}
 *
 * - A field is `{name:type}` or `{name:type:argument}`: a name of 1 to 24 lower-case letters,
 *   digits and `-`, starting with a letter, each name once.
 * - `number`: 1 to 6 digits (a bed, a room, a count). `time`: 24-hour HH:MM.
 * - `choice:A|B|C`: one of 2 to 12 options, each 1 to 40 characters of plain text without `|`,
 *   `{` or `}`. `text` or `text:N`: one line of plain text, 1 to N characters (default 40, at most 80).
 * - `{{` and `}}` are a literal brace; a brace otherwise opens or closes a field.
 * - A body has 1 to TEMPLATE_BODY_MAX characters, at most TEMPLATE_FIELDS_MAX fields and
 *   TEMPLATE_LINES_MAX lines; no control or invisible character but the line break.
 *
 * The cost of parsing and rendering is linear in the body (one pass, no regular expression over
 * the whole of it that can backtrack). Every value is checked against its field before it is
 * placed, so a rendered message is the template's text with bounded, typed values in it.
 */
import { displayText } from '../display-text';
import { err, ok, type Result } from '../../result';

export const TEMPLATE_BODY_MAX = 1000;
export const TEMPLATE_FIELDS_MAX = 8;
export const TEMPLATE_LINES_MAX = 12;
export const FIELD_NAME_MAX = 24;
export const CHOICE_OPTIONS_MAX = 12;
export const CHOICE_OPTION_MAX = 40;
export const TEXT_FIELD_DEFAULT = 40;
export const TEXT_FIELD_MAX = 80;

export type TemplateField =
  | { readonly name: string; readonly type: 'number' }
  | { readonly name: string; readonly type: 'time' }
  | { readonly name: string; readonly type: 'choice'; readonly options: readonly string[] }
  | { readonly name: string; readonly type: 'text'; readonly maxLength: number };

export type TemplatePart =
  { readonly kind: 'text'; readonly text: string } | { readonly kind: 'field'; readonly field: TemplateField };

export interface ParsedTemplate {
  readonly parts: readonly TemplatePart[];
  /** The fields in the order they appear. */
  readonly fields: readonly TemplateField[];
}

/** Why a body is refused, with where (a character offset into the body) when there is a where. */
export type TemplateProblemCode =
  | 'EMPTY'
  | 'TOO_LONG'
  | 'TOO_MANY_LINES'
  | 'BAD_CHARACTER'
  | 'UNCLOSED_FIELD'
  | 'STRAY_CLOSE'
  | 'BAD_FIELD_NAME'
  | 'UNKNOWN_TYPE'
  | 'DUPLICATE_FIELD'
  | 'TOO_MANY_FIELDS'
  | 'BAD_OPTIONS'
  | 'BAD_LENGTH'
  | 'UNEXPECTED_ARGUMENT';

export interface TemplateProblem {
  readonly code: TemplateProblemCode;
  readonly at: number | null;
}

const PROBLEM_TEXT: Readonly<Record<TemplateProblemCode, string>> = {
  EMPTY: 'The template has no text.',
  TOO_LONG: `A template has at most ${String(TEMPLATE_BODY_MAX)} characters.`,
  TOO_MANY_LINES: `A template has at most ${String(TEMPLATE_LINES_MAX)} lines.`,
  BAD_CHARACTER: 'The template holds a control or invisible character.',
  UNCLOSED_FIELD: 'A field opened with { is not closed with }. Write {{ for a literal brace.',
  STRAY_CLOSE: 'A } closes no field. Write }} for a literal brace.',
  BAD_FIELD_NAME: `A field name is 1 to ${String(FIELD_NAME_MAX)} lower-case letters, digits or -, starting with a letter.`,
  UNKNOWN_TYPE: 'A field type is number, time, choice or text, as in {bed:number}.',
  DUPLICATE_FIELD: 'Two fields have the same name.',
  TOO_MANY_FIELDS: `A template has at most ${String(TEMPLATE_FIELDS_MAX)} fields.`,
  BAD_OPTIONS: `A choice lists 2 to ${String(CHOICE_OPTIONS_MAX)} different options separated by |, each 1 to ${String(CHOICE_OPTION_MAX)} characters.`,
  BAD_LENGTH: `A text field's length is a number from 1 to ${String(TEXT_FIELD_MAX)}, as in {note:text:40}.`,
  UNEXPECTED_ARGUMENT: 'Only choice and text fields take something after a second colon.',
};

/** What IT is told about a problem: fixed words, never an echo of the body. */
export function templateProblemText(problem: TemplateProblem): string {
  return PROBLEM_TEXT[problem.code];
}

const FIELD_NAME = /^[a-z][a-z0-9-]*$/;
// Control and invisible characters (the line break is allowed and checked apart).
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\p{Cs}\u2028\u2029]/u;

const problem = (code: TemplateProblemCode, at: number | null = null): Result<never, TemplateProblem> =>
  err({ code, at });

function fieldOf(spec: string, at: number): Result<TemplateField, TemplateProblem> {
  const first = spec.indexOf(':');
  if (first === -1) return problem('UNKNOWN_TYPE', at);
  const name = spec.slice(0, first);
  if (name.length === 0 || name.length > FIELD_NAME_MAX || !FIELD_NAME.test(name)) return problem('BAD_FIELD_NAME', at);
  const rest = spec.slice(first + 1);
  const second = rest.indexOf(':');
  const type = second === -1 ? rest : rest.slice(0, second);
  const argument = second === -1 ? null : rest.slice(second + 1);
  switch (type) {
    case 'number':
    case 'time':
      return argument === null ? ok({ name, type }) : problem('UNEXPECTED_ARGUMENT', at);
    case 'text': {
      if (argument === null) return ok({ name, type, maxLength: TEXT_FIELD_DEFAULT });
      if (!/^\d{1,2}$/.test(argument)) return problem('BAD_LENGTH', at);
      const maxLength = Number(argument);
      return maxLength >= 1 && maxLength <= TEXT_FIELD_MAX ? ok({ name, type, maxLength }) : problem('BAD_LENGTH', at);
    }
    case 'choice': {
      if (argument === null) return problem('BAD_OPTIONS', at);
      const options = argument.split('|');
      const plain = options.every(
        (option) => option.length >= 1 && option.length <= CHOICE_OPTION_MAX && displayText(option) === option,
      );
      if (
        !plain ||
        options.length < 2 ||
        options.length > CHOICE_OPTIONS_MAX ||
        new Set(options).size !== options.length
      )
        return problem('BAD_OPTIONS', at);
      return ok({ name, type, options });
    }
    default:
      return problem('UNKNOWN_TYPE', at);
  }
}

/** The body as parts and fields, or the first problem found. */
export function parseTemplate(body: string): Result<ParsedTemplate, TemplateProblem> {
  if (body.length > TEMPLATE_BODY_MAX) return problem('TOO_LONG');
  if (body.trim() === '') return problem('EMPTY');
  const lines = body.split('\n');
  if (lines.length > TEMPLATE_LINES_MAX) return problem('TOO_MANY_LINES');
  for (let i = 0, offset = 0; i < lines.length; offset += (lines[i]?.length ?? 0) + 1, i++) {
    const line = lines[i] ?? '';
    const bad = FORBIDDEN.exec(line);
    if (bad !== null) return problem('BAD_CHARACTER', offset + bad.index);
  }
  const parts: TemplatePart[] = [];
  const fields: TemplateField[] = [];
  let literal = '';
  let i = 0;
  while (i < body.length) {
    const char = body.charAt(i);
    const next = body.charAt(i + 1);
    if ((char === '{' && next === '{') || (char === '}' && next === '}')) {
      literal += char;
      i += 2;
    } else if (char === '}') {
      return problem('STRAY_CLOSE', i);
    } else if (char === '{') {
      const close = body.indexOf('}', i + 1);
      const newline = body.indexOf('\n', i + 1);
      if (close === -1 || (newline !== -1 && newline < close)) return problem('UNCLOSED_FIELD', i);
      const spec = body.slice(i + 1, close);
      if (spec.includes('{')) return problem('UNCLOSED_FIELD', i);
      const field = fieldOf(spec, i);
      if (!field.ok) return field;
      if (fields.some((known) => known.name === field.value.name)) return problem('DUPLICATE_FIELD', i);
      if (fields.length === TEMPLATE_FIELDS_MAX) return problem('TOO_MANY_FIELDS', i);
      if (literal !== '') parts.push({ kind: 'text', text: literal });
      literal = '';
      parts.push({ kind: 'field', field: field.value });
      fields.push(field.value);
      i = close + 1;
    } else {
      literal += char;
      i++;
    }
  }
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  return ok({ parts, fields });
}

/** Why a value does not fit its field (the form says it beside the field). */
export type FieldValueProblem = 'MISSING' | 'NOT_A_NUMBER' | 'NOT_A_TIME' | 'NOT_AN_OPTION' | 'TOO_LONG' | 'NOT_PLAIN';

const VALUE_PROBLEM_TEXT: Readonly<Record<FieldValueProblem, string>> = {
  MISSING: 'Fill this in.',
  NOT_A_NUMBER: 'A number of 1 to 6 digits.',
  NOT_A_TIME: 'A time as HH:MM, 24-hour (for example 14:30).',
  NOT_AN_OPTION: 'Choose one of the options.',
  TOO_LONG: 'Too long for this field.',
  NOT_PLAIN: 'One line of plain text.',
};

export function fieldValueProblemText(problem: FieldValueProblem): string {
  return VALUE_PROBLEM_TEXT[problem];
}

/** The value as it goes into the message, or why it cannot. */
export function checkFieldValue(field: TemplateField, value: string): Result<string, FieldValueProblem> {
  const trimmed = value.trim();
  if (trimmed === '') return err('MISSING');
  switch (field.type) {
    case 'number':
      return /^\d{1,6}$/.test(trimmed) ? ok(trimmed) : err('NOT_A_NUMBER');
    case 'time':
      return /^([01]\d|2[0-3]):[0-5]\d$/.test(trimmed) ? ok(trimmed) : err('NOT_A_TIME');
    case 'choice':
      return field.options.includes(value) ? ok(value) : err('NOT_AN_OPTION');
    case 'text':
      if (trimmed.length > field.maxLength) return err('TOO_LONG');
      return displayText(trimmed) === trimmed && !trimmed.includes('{') && !trimmed.includes('}')
        ? ok(trimmed)
        : err('NOT_PLAIN');
  }
}

/** A value per field name; more or fewer names than the template's fields is refused. */
export type FieldValues = Readonly<Record<string, string>>;

export type RenderProblem =
  | { readonly code: 'UNKNOWN_FIELD'; readonly field: null }
  | { readonly code: FieldValueProblem; readonly field: string };

/** The message the template and values make, or every value that does not fit. */
export function renderTemplate(
  template: ParsedTemplate,
  values: FieldValues,
): Result<string, readonly RenderProblem[]> {
  const names = new Set(template.fields.map((field) => field.name));
  if (Object.keys(values).some((name) => !names.has(name))) return err([{ code: 'UNKNOWN_FIELD', field: null }]);
  const problems: RenderProblem[] = [];
  const checked = new Map<string, string>();
  for (const field of template.fields) {
    const value = Object.hasOwn(values, field.name) ? values[field.name] : undefined;
    const result = checkFieldValue(field, typeof value === 'string' ? value : '');
    if (result.ok) checked.set(field.name, result.value);
    else problems.push({ code: result.error, field: field.name });
  }
  if (problems.length > 0) return err(problems);
  return ok(
    template.parts
      .map((part) => (part.kind === 'text' ? part.text : (checked.get(part.field.name) ?? '')))
      .join('')
      .trim(),
  );
}

/** The text with each field shown as its label in brackets: a preview before anything is filled in. */
export function previewTemplate(template: ParsedTemplate, values: FieldValues = {}): string {
  return template.parts
    .map((part) => {
      if (part.kind === 'text') return part.text;
      const value = values[part.field.name];
      const checked = value === undefined ? null : checkFieldValue(part.field, value);
      return checked?.ok === true ? checked.value : `[${fieldLabel(part.field)}]`;
    })
    .join('');
}

/** A field's name as a label: `pick-up-time` reads "Pick up time". */
export function fieldLabel(field: Pick<TemplateField, 'name'>): string {
  const words = field.name.replace(/-+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
