import { useEffect, useMemo, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { TemplateUse } from '../../../../shared/ipc/template-channels';
import type { MessageTemplate } from '../../../../shared/protocol/template-api';
import {
  parseTemplate,
  renderTemplate,
  type FieldValueProblem,
  type ParsedTemplate,
} from '../../../../shared/text/templates/template-language';
import { describeError } from '../../error-messages';

/** A template the sender chose, parsed, with the values typed so far. */
export interface ChosenTemplate {
  readonly template: MessageTemplate;
  readonly parsed: ParsedTemplate;
  readonly values: Readonly<Record<string, string>>;
}

/** The message a compose form sends: free text, or a template's rendering with what names it. */
export type TemplateMessageBody =
  | { readonly ok: true; readonly text: string; readonly template?: TemplateUse }
  | { readonly ok: false; readonly error: string };

export interface MessageTemplates {
  /** Null while they are asked for. */
  readonly templates: readonly MessageTemplate[] | null;
  /** Policy lets this role send only templates. */
  readonly only: boolean;
  readonly loadError: string | null;
  readonly chosen: ChosenTemplate | null;
  /** Problems by field name, shown once a send was tried (or the field was left). */
  readonly problems: Readonly<Record<string, FieldValueProblem>>;
  readonly showProblems: boolean;
  choose(template: MessageTemplate): void;
  setValue(name: string, value: string): void;
  /** Back to free text (or to the picker, for a role restricted to templates). */
  clear(): void;
  /** The body to send, from the free text `text` or the chosen template; marks problems to show. */
  /** What a send carries: the template's text, or the typed text (which may be empty beside files). */
  body(text: string, hasFiles?: boolean): TemplateMessageBody;
  /** IT changed a template since it was chosen: ask again. */
  refresh(): void;
}

/**
 * The approved templates for compose and the reply box, from main (`templates.list`), and the
 * one the sender chose with its values. The rendering here is the preview and what the request
 * says; main renders it again from its own copy and refuses anything else (template-send.ts).
 */
export function useMessageTemplates(bridge: WardlineApi): MessageTemplates {
  const [listed, setListed] = useState<{
    templates: readonly MessageTemplate[] | null;
    only: boolean;
    error: string | null;
  }>({ templates: null, only: false, error: null });
  const [asked, setAsked] = useState(0);
  const [chosen, setChosen] = useState<ChosenTemplate | null>(null);
  const [showProblems, setShowProblems] = useState(false);

  useEffect(() => {
    let live = true;
    void bridge.templates.list({ refresh: asked > 0 }).then((result) => {
      if (!live) return;
      setListed(
        result.ok
          ? { templates: result.value.templates, only: result.value.templatesOnly, error: null }
          : { templates: [], only: false, error: describeError(result.error) },
      );
    });
    return () => {
      live = false;
    };
  }, [bridge, asked]);

  const problems = useMemo(() => {
    if (chosen === null) return {};
    const rendered = renderTemplate(chosen.parsed, chosen.values);
    if (rendered.ok) return {};
    const byField: Record<string, FieldValueProblem> = {};
    for (const problem of rendered.error) if (problem.field !== null) byField[problem.field] = problem.code;
    return byField;
  }, [chosen]);

  return {
    templates: listed.templates,
    only: listed.only,
    loadError: listed.error,
    chosen,
    problems,
    showProblems,
    choose(template) {
      const parsed = parseTemplate(template.body);
      if (!parsed.ok) return;
      setShowProblems(false);
      setChosen({
        template,
        parsed: parsed.value,
        // A choice starts on its first option: one keystroke fewer for the commonest answer.
        values: Object.fromEntries(
          parsed.value.fields.map((field) => [field.name, field.type === 'choice' ? (field.options[0] ?? '') : '']),
        ),
      });
    },
    setValue(name, value) {
      setChosen((current) => (current === null ? null : { ...current, values: { ...current.values, [name]: value } }));
    },
    clear() {
      setChosen(null);
      setShowProblems(false);
    },
    body(text, hasFiles = false) {
      if (chosen === null) {
        if (listed.only) return { ok: false, error: 'Choose a template to send.' };
        return text.trim() === '' && !hasFiles ? { ok: false, error: 'Write a message first.' } : { ok: true, text };
      }
      const rendered = renderTemplate(chosen.parsed, chosen.values);
      if (!rendered.ok) {
        setShowProblems(true);
        return { ok: false, error: 'Fill in the template’s fields as shown.' };
      }
      return {
        ok: true,
        text: rendered.value,
        template: {
          templateId: chosen.template.templateId,
          version: chosen.template.version,
          fields: { ...chosen.values },
        },
      };
    },
    refresh() {
      setChosen(null);
      setAsked((count) => count + 1);
    },
  };
}
