import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ADMX_REGISTRY_KEY, buildPolicyTemplates } from '../../../launch/policy-admx-templates';
import { POLICY_REGISTRY_KEY } from '../../../main/policy/registry-policy';
import { decodeRegistryPolicy } from '../../../main/policy/registry-values';
import { POLICY_CATALOGUE, type PolicyCatalogueEntry } from '../../../shared/policy/policy-catalogue';
import { policySchema, POLICY_KEYS } from '../../../shared/policy/policy-schema';
import { valueShapeOf } from '../../../shared/policy/policy-value-shape';
import { repoRoot } from '../../support/browser-host-process';
import { regDword, regExpandSz, regSz } from '../../support/registry-values';

// Parsed back as Windows reads them: attributes kept as text, lists always lists.
const LISTS = new Set([
  'policyDefinitions.categories.category',
  'policyDefinitions.policies.policy',
  'policyDefinitions.supportedOn.definitions.definition',
  'policyDefinitions.policies.policy.elements.enum.item',
  'policyDefinitionResources.resources.stringTable.string',
  'policyDefinitionResources.resources.presentationTable.presentation',
]);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (_name, jpath) => LISTS.has(String(jpath)),
});

interface Element {
  id: string;
  valueName: string;
  required: string;
  minValue?: string;
  maxValue?: string;
  storeAsText?: string;
  maxLength?: string;
  expandable?: string;
  item?: { displayName: string; value: { string: string } }[];
}
interface AdmxPolicy {
  name: string;
  class: string;
  displayName: string;
  explainText: string;
  presentation?: string;
  key: string;
  valueName?: string;
  parentCategory: { ref: string };
  supportedOn: { ref: string };
  enabledValue?: { decimal: { value: string } };
  disabledValue?: { decimal: { value: string } };
  elements?: { decimal?: Element; text?: Element; enum?: Element };
}
interface Admx {
  policyDefinitions: {
    revision: string;
    schemaVersion: string;
    policyNamespaces: { target: { prefix: string; namespace: string } };
    resources: { minRequiredRevision: string };
    supportedOn: { definitions: { definition: { name: string; displayName: string }[] } };
    categories: { category: { name: string; displayName: string; parentCategory?: { ref: string } }[] };
    policies: { policy: AdmxPolicy[] };
  };
}
type Presentation = { id: string } & Record<string, { refId: string; defaultValue?: string; defaultItem?: string }>;
interface Adml {
  policyDefinitionResources: {
    revision: string;
    resources: {
      stringTable: { string: { id: string; '#text': string }[] };
      presentationTable: { presentation: Presentation[] };
    };
  };
}

const templates = buildPolicyTemplates();
const admx = (parser.parse(templates.admx) as Admx).policyDefinitions;
const adml = (parser.parse(templates.adml) as Adml).policyDefinitionResources;
const strings = new Map(adml.resources.stringTable.string.map((s) => [s.id, s['#text']]));
const presentations = new Map(adml.resources.presentationTable.presentation.map((p) => [p.id, p]));
const policies = new Map(admx.policies.policy.map((p) => [p.name, p]));

/** The schema as JSON Schema: zod's own reading of it, independent of the generator's. */
type JsonProperty = { type?: string; minimum?: number; maximum?: number; maxLength?: number; enum?: string[] };
const jsonProperties = z.toJSONSchema(policySchema, { io: 'input' }).properties as Record<
  string,
  JsonProperty & { default: unknown; anyOf?: JsonProperty[] }
>;
function schemaOf(key: string): JsonProperty & { default: unknown } {
  const property = jsonProperties[key]!;
  const set = property.anyOf?.find((variant) => variant.type !== 'null') ?? property;
  return { ...set, default: property.default };
}

const ref = (text: string, kind: 'string' | 'presentation'): string | null =>
  new RegExp(`^\\$\\(${kind}\\.([^)]+)\\)$`).exec(text)?.[1] ?? null;

describe('Group Policy templates', () => {
  it('define exactly one machine policy per schema key, under the key the registry reader opens', () => {
    expect(admx.policies.policy.map((p) => p.name).sort()).toEqual([...POLICY_KEYS].sort());
    expect(`HKLM\\${ADMX_REGISTRY_KEY}`).toBe(POLICY_REGISTRY_KEY);
    for (const policy of admx.policies.policy) {
      expect(policy.class).toBe('Machine');
      expect(policy.key).toBe('Software\\Policies\\Wardline');
    }
  });

  it.each(POLICY_KEYS)('gives %s the type, bounds and options the schema enforces', (key) => {
    const policy = policies.get(key)!;
    const schema = schemaOf(key);
    switch (schema.type) {
      case 'boolean':
        expect(policy.valueName).toBe(key);
        expect(policy.enabledValue).toEqual({ decimal: { value: '1' } });
        expect(policy.disabledValue).toEqual({ decimal: { value: '0' } });
        expect(policy.elements).toBeUndefined();
        break;
      case 'integer': {
        const decimal = policy.elements?.decimal;
        expect(decimal).toMatchObject({ valueName: key, storeAsText: 'false' });
        expect(Number(decimal?.minValue)).toBe(schema.minimum);
        expect(Number(decimal?.maxValue)).toBe(schema.maximum);
        break;
      }
      case 'string':
        if (schema.enum) {
          const options = policy.elements?.enum?.item?.map((item) => item.value.string);
          expect(policy.elements?.enum?.valueName).toBe(key);
          expect(options).toEqual(schema.enum);
        } else {
          expect(policy.elements?.text).toMatchObject({ valueName: key });
          // A path expands (%ProgramData%...): REG_EXPAND_SZ, which the reader expands.
          expect(policy.elements?.text?.expandable === 'true').toBe(POLICY_CATALOGUE[key].expandable === true);
          expect(Number(policy.elements?.text?.maxLength)).toBe(schema.maxLength);
        }
        break;
      default:
        throw new Error(`${key}: no check for a ${String(schema.type)}`);
    }
  });

  it('write values the registry reader and the schema accept, at the edges of each range', () => {
    const samples: Record<string, string> = {
      serverUrl: 'https://wardline.example.org',
      caCertificate: '%ProgramData%\\Wardline\\ca.pem',
      machineDataDir: 'D:\\Wardline',
      attachmentKinds: 'jpeg, pdf',
      identifierGuardBlockKinds: 'ssn, card-number',
      mrnFormats: 'M#######;##-###-###',
      templatesOnlyRoles: 'front-desk',
      archivePublicKey: 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=',
      archiveKeyFingerprint: '300c 9c96 03b9 2a4b 39ed 3958 bf92 4011 4804 db4f d373 012c 0ca4 7432 d634 25ae',
    };
    // As Group Policy writes each element: DWORD for on/off and decimal, SZ for a choice, and
    // SZ or (expandable) EXPAND_SZ for text.
    const raw = admx.policies.policy.map((policy) => {
      const { decimal, text, enum: choice } = policy.elements ?? {};
      if (policy.enabledValue) return regDword(policy.name, Number(policy.enabledValue.decimal.value));
      if (decimal) return regDword(policy.name, Number(decimal.maxValue));
      if (choice) return regSz(policy.name, choice.item!.at(-1)!.value.string);
      if (!text) throw new Error(`${policy.name}: no value element`);
      const value = samples[policy.name] ?? 'W'.repeat(Number(text.maxLength));
      return text.expandable === 'true' ? regExpandSz(policy.name, value) : regSz(policy.name, value);
    });
    const read = decodeRegistryPolicy(raw, { ProgramData: 'C:\\ProgramData' });
    expect(read.values.caCertificate).toBe('C:\\ProgramData\\Wardline\\ca.pem');
    expect(read.refused).toEqual([]);
    const parsed = policySchema.safeParse(read.values);
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data?.pinAllowed).toBe(true);
    expect(parsed.data?.autoLogoffSeconds).toBe(schemaOf('autoLogoffSeconds').maximum);
  });

  it('refuse, in the schema, one past each decimal bound the templates allow', () => {
    for (const policy of admx.policies.policy) {
      const decimal = policy.elements?.decimal;
      if (!decimal) continue;
      for (const value of [Number(decimal.minValue) - 1, Number(decimal.maxValue) + 1])
        expect(policySchema.safeParse({ [policy.name]: value }).success, `${policy.name}=${value}`).toBe(false);
    }
  });

  it('resolve every string, presentation, category and support reference', () => {
    const stringIds = adml.resources.stringTable.string.map((s) => s.id);
    expect(new Set(stringIds).size).toBe(stringIds.length);
    const categories = new Set(admx.categories.category.map((c) => c.name));
    const supported = new Set(admx.supportedOn.definitions.definition.map((d) => d.name));
    const stringRefs = [
      ...admx.categories.category.map((c) => c.displayName),
      ...admx.supportedOn.definitions.definition.map((d) => d.displayName),
      ...admx.policies.policy.flatMap((p) => [
        p.displayName,
        p.explainText,
        ...(p.elements?.enum?.item?.map((item) => item.displayName) ?? []),
      ]),
    ];
    for (const text of stringRefs) expect(strings.has(ref(text, 'string') ?? text), text).toBe(true);
    for (const category of admx.categories.category)
      if (category.parentCategory) expect(categories.has(category.parentCategory.ref)).toBe(true);
    for (const policy of admx.policies.policy) {
      expect(categories.has(policy.parentCategory.ref), policy.name).toBe(true);
      expect(supported.has(policy.supportedOn.ref), policy.name).toBe(true);
      const element = policy.elements?.decimal ?? policy.elements?.text ?? policy.elements?.enum;
      if (!element) {
        expect(policy.presentation).toBeUndefined();
        continue;
      }
      // The presentation's one control edits this policy's one element.
      const presentation = presentations.get(ref(policy.presentation ?? '', 'presentation') ?? '');
      const controls = Object.entries(presentation ?? {}).filter(([name]) => name !== 'id');
      expect(
        controls.map(([, control]) => (control as { refId: string }).refId),
        policy.name,
      ).toEqual([element.id]);
    }
    expect(admx.resources.minRequiredRevision).toBe(adml.revision);
  });

  it('explain each key with the bounds and default the schema holds', () => {
    for (const key of POLICY_KEYS) {
      const explain = strings.get(ref(policies.get(key)!.explainText, 'string')!)!;
      const schema = schemaOf(key);
      expect(explain).toContain(POLICY_CATALOGUE[key].description);
      expect(explain).toContain(`${POLICY_REGISTRY_KEY}\\${key}`);
      if (schema.type === 'integer')
        expect(explain).toMatch(new RegExp(`From ${schema.minimum} .* to ${schema.maximum} `));
      if (typeof schema.default === 'number') expect(explain).toContain(`Disabled: ${schema.default} `);
      if (typeof schema.default === 'boolean')
        expect(explain).toContain(`Not configured: as ${schema.default ? 'Enabled' : 'Disabled'}.`);
    }
  });

  it('are committed in build/policy-templates as the generator writes them now', () => {
    // A schema or catalogue change without `npm run policy:admx` fails here.
    const dir = path.join(repoRoot, 'build', 'policy-templates');
    expect(readFileSync(path.join(dir, 'wardline.admx'), 'utf8')).toBe(templates.admx);
    expect(readFileSync(path.join(dir, 'en-US', 'wardline.adml'), 'utf8')).toBe(templates.adml);
  });
});

describe('policy value shapes', () => {
  it('refuse what a registry DWORD or text box cannot bound', () => {
    expect(() => valueShapeOf('open', z.number().int().min(0).default(1))).toThrow(/open: a number/);
    expect(() => valueShapeOf('fraction', z.number().min(0).max(1).default(1))).toThrow(/fraction: a number/);
    expect(() => valueShapeOf('long', z.string().nullable().default(null))).toThrow(/long: text/);
    expect(() => valueShapeOf('bare', z.number().int().min(0).max(1))).toThrow(/bare: no default/);
    expect(valueShapeOf('ok', z.number().int().min(1).max(9).nullable().default(null))).toEqual({
      kind: 'number',
      min: 1,
      max: 9,
      defaultValue: null,
    });
  });

  it('make a catalogue entry without an enum label or a "not set" story a type error', () => {
    // @ts-expect-error: an enum that may be unset needs its choices and whenUnset.
    const missing: PolicyCatalogueEntry<'a' | 'b' | null> = { category: 'session', displayName: 'x', description: 'y' };
    const complete: PolicyCatalogueEntry<'a' | 'b' | null> = {
      ...missing,
      choices: { a: 'A', b: 'B' },
      whenUnset: 'z',
    };
    expect(complete.choices.a).toBe('A');
  });
});
