import { describe, expect, it } from 'vitest';
import { pageAfterKey, stepZoom, zoomLabel } from '../../../renderer/src/messaging/attachments/viewer-zoom';

describe('viewer zoom', () => {
  it('steps along the ladder from a fixed scale or from the fitted one', () => {
    expect(stepZoom(1, 0.8, 1)).toBe(1.25);
    expect(stepZoom(1, 0.8, -1)).toBe(0.75);
    expect(stepZoom('fit', 1.37, 1)).toBe(1.5);
    expect(stepZoom('fit', 1.37, -1)).toBe(1.25);
  });

  it('stays at either end', () => {
    expect(stepZoom(4, 1, 1)).toBe(4);
    expect(stepZoom(0.5, 1, -1)).toBe(0.5);
  });

  it('labels fit and percentages', () => {
    expect(zoomLabel('fit')).toBe('Fit');
    expect(zoomLabel(1.5)).toBe('150%');
  });
});

describe('page keys', () => {
  it('turn pages within the document', () => {
    expect(pageAfterKey('PageDown', 1, 3)).toBe(2);
    expect(pageAfterKey('ArrowRight', 3, 3)).toBe(3);
    expect(pageAfterKey('PageUp', 1, 3)).toBe(1);
    expect(pageAfterKey('End', 1, 3)).toBe(3);
    expect(pageAfterKey('Home', 3, 3)).toBe(1);
    expect(pageAfterKey('a', 1, 3)).toBeNull();
  });
});
