import { ListBoxItem, Text } from 'react-aria-components';
import type { SearchResult } from '../../../../shared/ipc/search-channels';
import { displayText } from '../../../../shared/text/display-text';
import { ShownText } from '../../components/ShownText';
import { messageTime } from '../message/message-time';
import { PriorityMarker } from '../message/PriorityMarker';
import { highlightedParts } from './highlighted-parts';

const FIELD_LABEL = { body: null, subject: 'Subject: ', patient: 'Patient: ' } as const;

/**
 * One found message: the conversation (and its subject), its priority and when it was sent on
 * one line; who sent it and the extract, with the matched words marked, below. The extract is
 * text: each match a `<mark>`.
 */
export function SearchResultOption({ result, now }: { readonly result: SearchResult; readonly now: number }) {
  const sender = result.direction === 'out' ? 'You' : displayText(result.senderName);
  const parts = highlightedParts(result.snippet);
  const field = FIELD_LABEL[result.snippet.field];
  return (
    <ListBoxItem
      id={result.messageId}
      className="search-result"
      textValue={`${displayText(result.conversationLabel)}, ${sender}: ${result.snippet.text}`}
    >
      <Text slot="label" className="search-result-top">
        <ShownText text={result.conversationLabel} className="search-result-conversation" />
        {result.subject !== null && (
          <span className="search-result-subject">
            <span className="visually-hidden">, subject </span>
            <ShownText text={result.subject} />
          </span>
        )}
        <PriorityMarker priority={result.priority} />
        <time className="search-result-time" dateTime={new Date(result.sentAt).toISOString()}>
          <span className="visually-hidden">, </span>
          {messageTime(result.sentAt, now)}
        </time>
      </Text>
      <Text slot="description" className="search-result-snippet">
        <span className="search-result-sender">
          {result.direction === 'out' ? 'You' : <ShownText text={result.senderName} />}:{' '}
        </span>
        {field !== null && <span className="search-result-field">{field}</span>}
        <bdi>
          {parts.map((part, i) =>
            part.match ? (
              <mark key={i} className="search-match">
                {part.text}
              </mark>
            ) : (
              <span key={i}>{part.text}</span>
            ),
          )}
        </bdi>
      </Text>
    </ListBoxItem>
  );
}
