/**
 * What the Administration view's end-to-end tests share: the IT admin and the physician they
 * meet, and the Recent actions tab read as its columns after a Refresh (records reach the chain
 * a moment after the action, so a test asks again until what it waits for is there).
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const IT_ADMIN = {
  userId: 'it.schmidt',
  displayName: 'Jonas Schmidt',
  role: 'it-admin',
  department: 'IT Service Desk',
  title: 'Systems Administrator',
} as const;

export const CARDIOLOGIST = {
  userId: 'dr.patel',
  displayName: 'Anika Patel',
  role: 'physician',
  department: 'Cardiology',
  title: 'Consultant Cardiologist',
} as const;

export interface RecentActions {
  /** The texts of one column (1: when, 2: what, 3: about what), newest first, as shown now. */
  column(n: number): Promise<string[]>;
  /** Presses Refresh until `read` of the columns gives `expected` (30 s at most). */
  until<T>(read: (column: (n: number) => Promise<string[]>) => Promise<T>, expected: T): Promise<void>;
}

/** Opens the Recent actions tab. */
export async function openRecentActions(page: Page): Promise<RecentActions> {
  await page.getByRole('tab', { name: 'Recent actions' }).click();
  const table = page.getByRole('grid', { name: 'Your recent actions' });
  const column = (n: number) => table.locator(`tbody tr td:nth-of-type(${String(n)})`).allInnerTexts();
  return {
    column,
    until: async (read, expected) => {
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: 'Refresh' }).click();
            await page.getByRole('button', { name: 'Refresh' }).waitFor();
            return read(column);
          },
          { timeout: 30_000, interval: 500 },
        )
        .toEqual(expected);
    },
  };
}
