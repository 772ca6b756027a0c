import { ShownText } from '../../components/ShownText';

/**
 * In a conversation that names its patient (or a new one whose Patient fields are filled in): the
 * text need not. The label is the sender's words, shown through the display rule like every label.
 */
export function PatientContextNote({
  label,
  starting = false,
}: {
  readonly label: string | null;
  readonly starting?: boolean;
}) {
  const is = starting ? 'will be' : 'is already';
  return label === null ? (
    <>This conversation {starting ? 'will name' : 'already names'} its patient: no name or MRN is needed in the text.</>
  ) : (
    <>
      This conversation {is} about <ShownText text={label} />: no name or MRN is needed in the text.
    </>
  );
}
