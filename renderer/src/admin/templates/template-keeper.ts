/**
 * Whose channels the template screens use: IT's (`bridge.admin`, every template) or a department
 * lead's (`bridge.lead`, only their department's, held to it by the server). Both answer in the
 * same shapes, so the list and the editor are one set of components.
 */
import type { WardlineApi } from '../../../../preload/api-factory';

export type TemplateKeeper = Pick<
  WardlineApi['admin'],
  'listTemplates' | 'createTemplate' | 'updateTemplate' | 'setTemplateRetired'
>;
