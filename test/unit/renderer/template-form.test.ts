/**
 * The template editor's form as the request it sends (renderer/src/admin/templates/
 * template-form.ts): IT's departments are typed, separated by commas; a department lead's is
 * their own, sent whole, whatever the departments field holds.
 */
import { describe, expect, it } from 'vitest';
import { checkTemplateForm } from '../../../renderer/src/admin/templates/template-form';

const form = { name: 'Handover', body: 'Handover at {time:time}.', roles: ['nurse' as const], departments: '' };

describe('the template form’s audience', () => {
  it('splits what IT types at commas, trimmed, each department once', () => {
    expect(checkTemplateForm({ ...form, departments: ' Ward 4B, Ward 7 ,Ward 4B,, ' })).toEqual({
      ok: true,
      request: {
        name: 'Handover',
        body: form.body,
        audience: { roles: ['nurse'], departments: ['Ward 4B', 'Ward 7'] },
      },
    });
  });

  it('sends a lead’s own department whole, even with a comma in it, and nothing typed beside it', () => {
    for (const departments of ['', 'Ward 7', 'Ward 7, Ward 9'])
      expect(checkTemplateForm({ ...form, departments }, 'Surgery, Ward 2'), departments).toMatchObject({
        ok: true,
        request: { audience: { roles: ['nurse'], departments: ['Surgery, Ward 2'] } },
      });
  });

  it('still says what is wrong with the name and text of a lead’s template', () => {
    expect(checkTemplateForm({ ...form, name: ' ', body: '{time:time' }, 'Ward 4B')).toMatchObject({
      ok: false,
      errors: { name: expect.any(String) as string, body: expect.any(String) as string },
    });
  });
});
