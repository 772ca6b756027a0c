/**
 * The data folder rule (server/data-folder.ts), as a decision: a folder group or others can
 * write, or another account owns, is refused; the read bits alone are tightened, not refused.
 */
import { describe, expect, it } from 'vitest';
import { dataFolderProblem } from '../../../server/data-folder';

const ME = 1000;
const folder = (mode: number, uid = ME) => ({ isDirectory: true, mode: 0o040000 | mode, uid });

describe('dataFolderProblem', () => {
  it('accepts a folder only its owner can write, whatever others may read', () => {
    for (const mode of [0o700, 0o750, 0o755, 0o500]) expect(dataFolderProblem(folder(mode), ME)).toBeNull();
  });

  it('refuses a folder its group or others can write, sticky or not', () => {
    for (const mode of [0o777, 0o770, 0o720, 0o702, 0o1777, 0o775])
      expect(dataFolderProblem(folder(mode), ME)).toBe('WRITABLE_BY_OTHERS');
  });

  it('refuses a folder another account owns (it could open it up again), and a file in its place', () => {
    expect(dataFolderProblem(folder(0o700, 0), ME)).toBe('OWNED_BY_ANOTHER_ACCOUNT');
    expect(dataFolderProblem({ isDirectory: false, mode: 0o100600, uid: ME }, ME)).toBe('NOT_A_FOLDER');
  });

  it('checks no owner where the platform has no user ids', () => {
    expect(dataFolderProblem(folder(0o700, 0), undefined)).toBeNull();
  });
});
