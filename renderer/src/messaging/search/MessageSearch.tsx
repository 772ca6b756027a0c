import { useEffect, useState } from 'react';
import {
  Autocomplete,
  Dialog,
  Heading,
  Input,
  Label,
  ListBox,
  Modal,
  ModalOverlay,
  TextField,
} from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { SearchResult } from '../../../../shared/ipc/search-channels';
import { describeError } from '../../error-messages';
import { useNow } from '../use-now';
import { SearchResultOption } from './SearchResultOption';
import { MIN_QUERY_CHARS, useMessageSearch } from './use-message-search';
import './search.css';

/** Ctrl+K or Ctrl+F (Cmd on a Mac): Ctrl+F is where people look for "find" first. */
const isSearchShortcut = (event: KeyboardEvent) =>
  (event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && ['k', 'f'].includes(event.key.toLowerCase());

/**
 * The Search button in the banner and the dialog it opens (also on Ctrl+K and Ctrl+F): a search
 * field over a list of found messages, as a WAI-ARIA combobox. Arrow keys move through the
 * results while typing goes on; Enter (or a click) opens the message in its thread; Escape
 * closes, and focus goes back where it was. The query is dropped with the dialog.
 */
export function MessageSearch({
  bridge,
  onOpenResult,
}: {
  readonly bridge: WardlineApi;
  readonly onOpenResult: (result: SearchResult) => void;
}) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isSearchShortcut(event)) return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      <button
        type="button"
        className="button button-on-dark search-button"
        aria-keyshortcuts="Control+K Control+F"
        aria-haspopup="dialog"
        title="Search messages (Ctrl+K)"
        onClick={() => setOpen(true)}
      >
        {/* The magnifier alone keeps the banner on one line beside a long name; the name is for screen readers. */}
        <svg className="search-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" strokeWidth="2.2" />
          <path d="m15.5 15.5 5.5 5.5" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
        </svg>
        <span className="visually-hidden">Search</span>
      </button>
      <ModalOverlay className="modal-overlay search-overlay" isOpen={open} onOpenChange={setOpen} isDismissable>
        <Modal className="modal modal-search">
          <Dialog className="dialog search-dialog" aria-labelledby="search-heading">
            {open && (
              <SearchPanel
                bridge={bridge}
                onChoose={(result) => {
                  setOpen(false);
                  onOpenResult(result);
                }}
              />
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </>
  );
}

function SearchPanel({
  bridge,
  onChoose,
}: {
  readonly bridge: WardlineApi;
  readonly onChoose: (result: SearchResult) => void;
}) {
  const [query, setQuery] = useState('');
  const search = useMessageSearch(bridge, query);
  const now = useNow();
  const results = search.status === 'done' ? search.results : [];

  const status =
    search.status === 'idle'
      ? `Type at least ${String(MIN_QUERY_CHARS)} characters. Searches message text, subjects and patients on this workstation.`
      : search.status === 'searching'
        ? 'Searching…'
        : search.status === 'failed'
          ? null
          : search.results.length === 0
            ? 'No messages match.'
            : search.more
              ? `The ${String(search.results.length)} newest matches. Add a word to narrow the search.`
              : `${String(search.results.length)} ${search.results.length === 1 ? 'message' : 'messages'} found.`;

  return (
    <>
      <Heading slot="title" id="search-heading" className="search-heading">
        Search messages
      </Heading>
      <Autocomplete inputValue={query} onInputChange={setQuery}>
        <TextField className="search-field" autoFocus aria-describedby="search-status">
          <Label className="visually-hidden">Search messages</Label>
          {/* A combobox (WAI-ARIA 1.2): the results are its popup list, in the dialog. */}
          <Input
            role="combobox"
            aria-expanded={results.length > 0}
            className="search-input"
            placeholder="Words, a subject or a patient"
            spellCheck={false}
            autoComplete="off"
          />
        </TextField>
        <p id="search-status" className="search-status" role="status">
          {status}
        </p>
        {search.status === 'failed' && (
          <p className="alert search-error" role="alert">
            {describeError(search.error)}
          </p>
        )}
        <ListBox<SearchResult>
          className="search-results"
          aria-label="Found messages"
          items={results}
          onAction={(key) => {
            const chosen = results.find((result) => result.messageId === key);
            if (chosen !== undefined) onChoose(chosen);
          }}
        >
          {(result) => <SearchResultOption result={result} now={now} />}
        </ListBox>
      </Autocomplete>
    </>
  );
}
