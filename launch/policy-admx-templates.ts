/**
 * The Group Policy templates (wardline.admx and its en-US wardline.adml), generated from the
 * policy schema and its catalogue so that what a GPO administrator can set is exactly what the
 * app reads: one policy per key, its value written under `HKLM\Software\Policies\Wardline` with
 * the key's name, as registry-values.ts decodes it (booleans and numbers REG_DWORD, booleans 0
 * or 1, text and choices REG_SZ, paths REG_EXPAND_SZ). Pure: the CLI (policy-admx-cli.ts) writes the files.
 *
 * "Not configured" leaves the value absent, so the schema's default applies. For a policy with a
 * value element, "Disabled" deletes the value: the default applies too.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { POLICY_REGISTRY_KEY } from '../main/policy/registry-policy';
import {
  POLICY_CATEGORIES,
  policyCatalogueEntry,
  policyExplanation,
  policyUnitName,
  type PolicyCategory,
} from '../shared/policy/policy-catalogue';
import { POLICY_KEYS, type Policy } from '../shared/policy/policy-schema';
import { policyValueShape, type PolicyValueShape } from '../shared/policy/policy-value-shape';

/** ADMX keys are relative to the hive, which class="Machine" names (HKLM). */
export const ADMX_REGISTRY_KEY = POLICY_REGISTRY_KEY.replace(/^HKLM\\/, '');
const NAMESPACE = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';
const XSD = {
  '@_xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
  '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
};
/** Bump when a policy is added or changes meaning, with `minRequiredRevision` if the ADML must follow. */
const REVISION = '1.0';
const ROOT_CATEGORY = 'Wardline';
const SUPPORTED = 'SUPPORTED_Wardline';

export interface PolicyTemplates {
  readonly admx: string;
  readonly adml: string;
}

type Xml = Record<string, unknown>;

const categoryName = (category: PolicyCategory): string => `${ROOT_CATEGORY}_${category}`;
const stringRef = (id: string): string => `$(string.${id})`;
const explainId = (key: keyof Policy): string => `${key}_Explain`;
const choiceId = (key: keyof Policy, option: string): string => `${key}_${option}`;

/** The value element of a policy that is more than on/off (ADMX "elements"). */
function valueElement(key: keyof Policy, shape: Exclude<PolicyValueShape, { kind: 'boolean' }>): Xml {
  const common = { '@_id': key, '@_valueName': key, '@_required': 'true' };
  switch (shape.kind) {
    case 'number':
      if (shape.min < 0 || shape.max > 0xffff_ffff) throw new Error(`policy key ${key}: not a DWORD range`);
      // minValue defaults to 0 and maxValue to 9999 in ADMX: always written out.
      return {
        decimal: { ...common, '@_minValue': shape.min, '@_maxValue': shape.max, '@_storeAsText': 'false' },
      };
    case 'text':
      // maxLength defaults to 1023 in ADMX. A path is expandable (REG_EXPAND_SZ): the reader expands it.
      return {
        text: {
          ...common,
          '@_maxLength': shape.maxLength,
          ...(policyCatalogueEntry(key).expandable === true ? { '@_expandable': 'true' } : {}),
        },
      };
    case 'choice':
      return {
        enum: {
          ...common,
          item: shape.options.map((option) => ({
            '@_displayName': stringRef(choiceId(key, option)),
            value: { string: option },
          })),
        },
      };
  }
}

function policyDefinition(key: keyof Policy): Xml {
  const shape = policyValueShape(key);
  const head = {
    '@_name': key,
    '@_class': 'Machine',
    '@_displayName': stringRef(key),
    '@_explainText': stringRef(explainId(key)),
  };
  const placement = {
    parentCategory: { '@_ref': categoryName(policyCatalogueEntry(key).category) },
    supportedOn: { '@_ref': SUPPORTED },
  };
  if (shape.kind === 'boolean') {
    return {
      ...head,
      '@_key': ADMX_REGISTRY_KEY,
      '@_valueName': key,
      ...placement,
      enabledValue: { decimal: { '@_value': 1 } },
      disabledValue: { decimal: { '@_value': 0 } },
    };
  }
  return {
    ...head,
    '@_presentation': `$(presentation.${key})`,
    '@_key': ADMX_REGISTRY_KEY,
    ...placement,
    elements: valueElement(key, shape),
  };
}

/** How the value is entered in the policy's dialog (ADML presentationTable). */
function presentation(key: keyof Policy): Xml | null {
  const shape = policyValueShape(key);
  const { displayName } = policyCatalogueEntry(key);
  const unit = policyUnitName(key);
  const named = unit === null || displayName.toLowerCase().includes(unit.toLowerCase());
  const label = named ? `${displayName}:` : `${displayName} (${unit}):`;
  const base = { '@_id': key };
  switch (shape.kind) {
    case 'boolean':
      return null;
    case 'number':
      return {
        ...base,
        decimalTextBox: {
          '@_refId': key,
          ...(shape.defaultValue === null ? {} : { '@_defaultValue': shape.defaultValue }),
          '#text': label,
        },
      };
    case 'text':
      return {
        ...base,
        textBox: {
          '@_refId': key,
          label,
          ...(shape.defaultValue === null ? {} : { defaultValue: shape.defaultValue }),
        },
      };
    case 'choice': {
      const defaultItem = shape.defaultValue === null ? -1 : shape.options.indexOf(shape.defaultValue);
      return {
        ...base,
        dropdownList: {
          '@_refId': key,
          '@_noSort': 'true',
          ...(defaultItem < 0 ? {} : { '@_defaultItem': defaultItem }),
          '#text': label,
        },
      };
    }
  }
}

function strings(): { '@_id': string; '#text': string }[] {
  const entries: [string, string][] = [
    [ROOT_CATEGORY, 'Wardline'],
    [SUPPORTED, 'Wardline desktop client'],
    ...Object.entries(POLICY_CATEGORIES).map(([id, name]): [string, string] => [
      categoryName(id as PolicyCategory),
      name,
    ]),
  ];
  for (const key of POLICY_KEYS) {
    entries.push([key, policyCatalogueEntry(key).displayName]);
    entries.push([explainId(key), explanationWithRegistry(key)]);
    const { choices } = policyCatalogueEntry(key);
    for (const [option, label] of Object.entries(choices ?? {})) entries.push([choiceId(key, option), label]);
  }
  return entries.map(([id, text]) => ({ '@_id': id, '#text': text }));
}

/** The explanation, plus where the value lands: what an administrator checks with regedit. */
function explanationWithRegistry(key: keyof Policy): string {
  const type = ['boolean', 'number'].includes(policyValueShape(key).kind) ? 'REG_DWORD' : 'REG_SZ';
  return `${policyExplanation(key)}\n\nRegistry value: ${POLICY_REGISTRY_KEY}\\${key} (${type}).`;
}

// fast-xml-parser's XMLBuilder re-exports fast-xml-builder, which it installs; importing that
// directly would be a dependency the project does not list.
// eslint-disable-next-line @typescript-eslint/no-deprecated -- the same class, under the listed package
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // Otherwise required="true" is written as a bare `required`, which is not XML.
  suppressBooleanAttributes: false,
});
const declaration = { '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' } };
const render = (document: Xml): string => `${builder.build({ ...declaration, ...document }).trimEnd()}\n`;

export function buildPolicyTemplates(): PolicyTemplates {
  const admx = render({
    policyDefinitions: {
      ...XSD,
      '@_revision': REVISION,
      '@_schemaVersion': '1.0',
      '@_xmlns': NAMESPACE,
      policyNamespaces: {
        target: { '@_prefix': 'wardline', '@_namespace': 'Wardline.Policies.Wardline' },
        using: { '@_prefix': 'windows', '@_namespace': 'Microsoft.Policies.Windows' },
      },
      resources: { '@_minRequiredRevision': REVISION },
      supportedOn: { definitions: { definition: [{ '@_name': SUPPORTED, '@_displayName': stringRef(SUPPORTED) }] } },
      categories: {
        category: [
          { '@_name': ROOT_CATEGORY, '@_displayName': stringRef(ROOT_CATEGORY) },
          ...Object.keys(POLICY_CATEGORIES).map((id) => ({
            '@_name': categoryName(id as PolicyCategory),
            '@_displayName': stringRef(categoryName(id as PolicyCategory)),
            parentCategory: { '@_ref': ROOT_CATEGORY },
          })),
        ],
      },
      policies: { policy: POLICY_KEYS.map(policyDefinition) },
    },
  });
  const adml = render({
    policyDefinitionResources: {
      ...XSD,
      '@_revision': REVISION,
      '@_schemaVersion': '1.0',
      '@_xmlns': NAMESPACE,
      displayName: 'Wardline',
      description: 'Machine policy for the Wardline secure clinical messaging client.',
      resources: {
        stringTable: { string: strings() },
        presentationTable: { presentation: POLICY_KEYS.map(presentation).filter((p) => p !== null) },
      },
    },
  });
  return { admx, adml };
}
