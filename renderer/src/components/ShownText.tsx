import { displayText } from '../../../shared/text/display-text';

/**
 * A name, subject or label as it may be shown: through the one display rule (no invisible or
 * direction-changing characters; shared/text/display-text.ts), which main applies already, and
 * isolated (`<bdi>`) so a right-to-left name cannot reorder the words around it.
 */
export function ShownText({ text, className }: { readonly text: string; readonly className?: string }) {
  return <bdi className={className}>{displayText(text)}</bdi>;
}
