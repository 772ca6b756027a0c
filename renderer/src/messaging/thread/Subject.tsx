import { ShownText } from '../../components/ShownText';

/**
 * A conversation's subject: words its starter typed, so it is marked "Subject" and set apart from
 * names (muted, italic, never in a heading or a name's place). "Dr. Minh Nguyen" as a subject
 * reads as what it is: something someone wrote.
 */
export function Subject({
  id,
  text,
  className,
  as: Element = 'span',
}: {
  readonly id?: string;
  readonly text: string;
  readonly className: string;
  readonly as?: 'p' | 'span';
}) {
  return (
    <Element id={id} className={`subject ${className}`}>
      <span className="subject-tag">Subject:</span> <ShownText text={text} className="subject-text" />
    </Element>
  );
}
