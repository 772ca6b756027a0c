/** The expiry choices offered when composing: none, or a period a clinician thinks in. */
export const EXPIRY_OPTIONS: readonly { readonly seconds: number | null; readonly label: string }[] = [
  { seconds: null, label: 'Does not expire' },
  { seconds: 60 * 60, label: 'After 1 hour' },
  { seconds: 8 * 60 * 60, label: 'After 8 hours (one shift)' },
  { seconds: 24 * 60 * 60, label: 'After 24 hours' },
  { seconds: 7 * 24 * 60 * 60, label: 'After 7 days' },
];
