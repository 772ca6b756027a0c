/**
 * Which member of a role address a rota file means. A rota names people as its tool knows them,
 * so a reference is matched against the address's members only, and only exactly: a user id
 * (`dr.patel`), or a display name (`Anika Patel`) compared after trimming, folding case and
 * runs of spaces. Wardline keeps no e-mail addresses, so an e-mail is no reference (an
 * iCalendar attendee is read by its CN). Two members sharing a name, or a text naming two
 * members, is ambiguous: a problem for the admin to fix in the file, never a guess.
 */

export interface RotaMember {
  readonly userId: string;
  readonly displayName: string;
}

/**
 * `name`: the whole text is one person (a CSV field, an attendee's CN). `mention`: the text names
 * a person somewhere inside it (an iCalendar SUMMARY such as "Cardiology on call: Anika Patel").
 */
export type PersonReference = { readonly kind: 'name' | 'mention'; readonly text: string };

export type MemberMatch =
  { readonly ok: true; readonly userId: string } | { readonly ok: false; readonly reason: 'unknown' | 'ambiguous' };

const folded = (text: string): string => text.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();

/** Whether `needle` stands in `haystack` as whole words (no letter or digit right beside it). */
function mentions(haystack: string, needle: string): boolean {
  if (needle.length === 0) return false;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const before = haystack.slice(0, at);
    const after = haystack.slice(at + needle.length);
    if (!/[\p{L}\p{N}]$/u.test(before) && !/^[\p{L}\p{N}]/u.test(after)) return true;
  }
  return false;
}

function oneOf(userIds: readonly string[]): MemberMatch {
  const distinct = [...new Set(userIds)];
  if (distinct.length === 1) return { ok: true, userId: distinct[0] as string };
  return { ok: false, reason: distinct.length === 0 ? 'unknown' : 'ambiguous' };
}

export function matchMember(members: readonly RotaMember[], reference: PersonReference): MemberMatch {
  const text = folded(reference.text);
  if (reference.kind === 'name') {
    const byId = members.find((member) => member.userId === text);
    if (byId !== undefined) return { ok: true, userId: byId.userId };
    return oneOf(members.filter((member) => folded(member.displayName) === text).map((member) => member.userId));
  }
  return oneOf(
    members
      .filter((member) => mentions(text, folded(member.displayName)) || mentions(text, member.userId))
      .map((member) => member.userId),
  );
}
