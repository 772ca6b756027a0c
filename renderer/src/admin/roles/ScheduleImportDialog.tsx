import { useId, useRef, useState, type ChangeEvent } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { SCHEDULE_FILE_MAX_CHARS, type ScheduleFormat } from '../../../../shared/protocol/admin-schedule-api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ActionOutcomeView } from '../ActionOutcomeView';
import { counted } from '../admin-labels';
import type { ScheduleImport } from '../admin-types';
import { useAdminAction } from '../use-admin-action';
import { entryText, problemText, scheduleFormatOf } from './shift-form';

/** A file's bytes are at most four per character: anything larger cannot be within the limit. */
const FILE_BYTES_MAX = 4 * SCHEDULE_FILE_MAX_CHARS;

interface Chosen {
  readonly name: string;
  readonly format: ScheduleFormat;
  readonly text: string;
  readonly preview: ScheduleImport;
}

/**
 * "Import schedule…": choose a rota file (.ics from the rota tool, or .csv), see what it holds
 * (how many shifts, from when to when, and each entry's problem by line or event) before anything
 * changes, then "Replace shifts": every shift of the address within the file's span is replaced
 * by the file's, at once. A file with any problem cannot be imported. The file is read here as
 * text and goes to the server; nothing keeps it.
 */
export function ScheduleImportDialog({
  bridge,
  addressId,
  name,
  shiftTime,
  onImported,
}: {
  readonly bridge: WardlineApi;
  readonly addressId: string;
  /** The address's name through the display rule. */
  readonly name: string;
  readonly shiftTime: (at: number) => string;
  readonly onImported: (said: string) => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  return (
    <DialogTrigger isOpen={open} onOpenChange={setOpen}>
      <Button className="button button-secondary">Import schedule…</Button>
      <ModalOverlay className="modal-overlay" isDismissable={false}>
        <Modal className="modal modal-wide">
          <Dialog className="dialog">
            <ImportBody
              bridge={bridge}
              addressId={addressId}
              name={name}
              shiftTime={shiftTime}
              onClose={() => setOpen(false)}
              onImported={async (said) => {
                setOpen(false);
                await onImported(said);
              }}
            />
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

function ImportBody({
  bridge,
  addressId,
  name,
  shiftTime,
  onClose,
  onImported,
}: {
  readonly bridge: WardlineApi;
  readonly addressId: string;
  readonly name: string;
  readonly shiftTime: (at: number) => string;
  readonly onClose: () => void;
  readonly onImported: (said: string) => Promise<void>;
}) {
  const id = useId();
  const { busy, outcome, run } = useAdminAction('shift');
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const summary = useRef<HTMLHeadingElement>(null);

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    // One file at a time: the input stays enabled while a file is read (disabling it would drop
    // its focus, and the dialog would take it back after the preview had taken it).
    if (busy !== null) {
      event.target.value = '';
      return;
    }
    const file = event.target.files?.[0];
    setChosen(null);
    setFileError(null);
    if (file === undefined) return;
    const format = scheduleFormatOf(file.name);
    if (format === null) return setFileError('Choose an iCalendar (.ics) or CSV (.csv) file.');
    if (file.size > FILE_BYTES_MAX) return setFileError('That file is too large: a rota file is at most 512 KB.');
    const text = await file.text();
    if (text.length > SCHEDULE_FILE_MAX_CHARS)
      return setFileError('That file is too large: a rota file is at most 512 KB.');
    const read = await run(
      'preview',
      () => bridge.admin.importShifts({ addressId, format, text, dryRun: true }),
      () => '',
    );
    if (read === null) return;
    setChosen({ name: file.name, format, text, preview: read.value });
    // The preview is what to read next.
    requestAnimationFrame(() => summary.current?.focus());
  }

  async function replace() {
    if (chosen === null || busy !== null) return;
    const done = await run(
      'replace',
      () => bridge.admin.importShifts({ addressId, format: chosen.format, text: chosen.text, dryRun: false }),
      (answer) =>
        answer.applied
          ? `Imported ${counted(answer.shifts.length, 'shift', 'shifts')} into ${name}, replacing ${counted(answer.replaced, 'earlier shift', 'earlier shifts')}.`
          : 'Nothing was imported: the file has problems now. Choose it again to see them.',
    );
    if (done === null) return;
    if (done.value.applied)
      await onImported(
        `Imported ${counted(done.value.shifts.length, 'shift', 'shifts')}, replacing ${counted(done.value.replaced, 'earlier shift', 'earlier shifts')}.`,
      );
    else setChosen({ ...chosen, preview: done.value });
  }

  const preview = chosen?.preview;
  const span = preview?.span ?? null;
  const importable = preview !== undefined && preview.problemCount === 0 && span !== null;
  return (
    <>
      <Heading slot="title">Import a schedule for {name}</Heading>
      <p className="hint">
        An iCalendar file from the rota tool (Amion, QGenda, Outlook) or a CSV file with the columns start, end, person
        and backup. People are matched to members by user ID or exact name. You see what the file holds before anything
        changes.
      </p>
      <div className="field">
        <label htmlFor={`${id}-file`}>Rota file (.ics or .csv)</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".ics,.csv,text/calendar,text/csv"
          disabled={busy === 'replace'}
          onChange={(event) => void choose(event)}
        />
      </div>
      <ErrorAlert message={fileError} />
      <ActionOutcomeView outcome={outcome?.tone === 'done' && outcome.text === '' ? null : outcome} />
      {busy === 'preview' && <p role="status">Reading the file…</p>}
      {preview !== undefined && (
        <section aria-labelledby={`${id}-summary`} className="import-preview">
          <h3 id={`${id}-summary`} ref={summary} tabIndex={-1}>
            {counted(preview.shifts.length, 'shift', 'shifts')}
            {preview.span !== null && ` from ${shiftTime(preview.span.from)} to ${shiftTime(preview.span.to)}`}
            {', '}
            {preview.problemCount === 0 ? 'no problems' : counted(preview.problemCount, 'problem', 'problems')}
          </h3>
          {preview.problemCount > 0 && (
            <>
              <p>Nothing can be imported until the file is fixed:</p>
              <ul className="import-problems">
                {preview.problems.map((problem) => (
                  <li key={`${String(problem.entry)}-${problem.code}`}>
                    {entryText(chosen?.format ?? 'csv', problem.entry)}: {problemText(problem.code)}
                  </li>
                ))}
              </ul>
              {preview.problemCount > preview.problems.length && (
                <p>…and {counted(preview.problemCount - preview.problems.length, 'more', 'more')}.</p>
              )}
            </>
          )}
          {importable && (
            <p>
              Replacing removes every shift of <strong>{name}</strong> between {shiftTime(span.from)} and{' '}
              {shiftTime(span.to)} and adds these {counted(preview.shifts.length, 'shift', 'shifts')}. This is recorded
              under your name.
            </p>
          )}
        </section>
      )}
      <div className="button-row">
        {importable && (
          <Button className="button button-primary" isDisabled={busy !== null} onPress={() => void replace()}>
            {busy === 'replace' ? 'Replacing…' : 'Replace shifts'}
          </Button>
        )}
        <Button className="button button-secondary" isDisabled={busy === 'replace'} onPress={onClose}>
          {importable ? 'Cancel' : 'Close'}
        </Button>
      </div>
    </>
  );
}
