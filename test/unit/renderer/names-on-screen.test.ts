/**
 * The renderer's own guard on names (main cleans them first; a compromised or older main must not
 * get an invisible character or a sender's subject onto the screen as a name): rendered markup
 * of the thread header and a conversation row.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ConversationSummary, Thread } from '../../../shared/ipc/contract';
import { ThreadHeader } from '../../../renderer/src/messaging/thread/ThreadHeader';
import { ConversationOption } from '../../../renderer/src/messaging/conversations/ConversationOption';
import { recipientChoice } from '../../../renderer/src/messaging/compose/recipient-choice';
import { DEFAULT_ESCALATION_TIMES } from '../../../shared/protocol/escalation';

const HIDDEN = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const text = (html: string) => html.replace(/<[^>]*>/g, '');
const heading = (html: string) => text(/<h2[^>]*>(.*?)<\/h2>/s.exec(html)?.[1] ?? '');

const conversation: Thread['conversation'] = {
  id: '00000000-0000-4000-8000-000000000002',
  kind: 'role',
  label: 'Morgan\u202E Grey\u200B',
  subject: '\u202Eneyug\u200BN hniM .rD',
  roleAddress: { id: 'role:chief-medical-officer', displayName: null },
  patient: { ref: 'pat-7QX2K9', label: 'Bed\u2066 12' },
  participants: [
    {
      userId: 'nurse.grey',
      displayName: 'Morgan\u2067 Grey',
      role: 'nurse',
      department: 'Ward\u00AD 9',
      title: null,
      keyChanged: false,
    },
    {
      userId: 'nurse.fox',
      displayName: 'Harriet Fox',
      role: 'nurse',
      department: 'Ward 9',
      title: null,
      keyChanged: false,
    },
  ],
};

describe('names on screen: no invisible character, and a subject never in the place of a name', () => {
  it('thread header: the heading names people, the subject is marked as one, an unknown role says so', () => {
    const html = renderToStaticMarkup(
      createElement(ThreadHeader, {
        headingId: 'h',
        subjectId: 's',
        headingRef: null,
        conversation,
        selfId: 'nurse.fox',
        availability: new Map([['nurse.grey', { state: 'dnd' as const, until: Date.now() + 3_600_000, cover: null }]]),
      }),
    );
    expect(HIDDEN.test(text(html))).toBe(false);
    // The other participant's availability in words beside the icon, never colour alone.
    expect(text(html)).toContain('Do not disturb until');
    expect(heading(html)).toBe('Morgan Grey');
    expect(text(/<p id="s" class="subject thread-subject">(.*?)<\/p>/s.exec(html)?.[1] ?? '')).toBe(
      'Subject: neyugN hniM .rD',
    );
    expect(text(html)).toContain('Sent to a role address the directory does not know');
    expect(text(html)).toContain('Patient: Bed 12 pat-7QX2K9');
    // Names are isolated, so a right-to-left name cannot reorder what is around it.
    expect(html).toContain('<bdi class="participant-name">Morgan Grey</bdi>');
  });

  it('conversation row: label first, then the subject after its tag', () => {
    const summary: ConversationSummary = {
      id: conversation.id,
      kind: 'direct',
      label: 'Morgan\u2066 Grey',
      subject: 'Dr. Minh\u200D Nguyen',
      unreadCount: 1,
      lastMessageAt: null,
      unreadPriority: 'urgent',
      awaitingAcknowledgement: { incoming: 0, outgoing: 0 },
    };
    const html = renderToStaticMarkup(
      createElement(ConversationOption, {
        id: 'o',
        index: 0,
        setSize: 1,
        conversation: summary,
        selected: false,
        active: false,
        now: 0,
        measureRef: null,
        style: {},
        onPick: () => undefined,
      }),
    );
    expect(HIDDEN.test(text(html))).toBe(false);
    expect(text(html)).toMatch(/^Morgan GreySubject: Dr\. Minh Nguyen/);
    expect(html).toContain('<bdi class="conversation-label">Morgan Grey</bdi>');
  });

  it('directory results: names and details cleaned before compose shows or announces them', () => {
    const choice = recipientChoice({
      kind: 'role',
      addressId: 'role:oncall-cardiology',
      displayName: '\u202EOn-call cardiology',
      department: 'Cardio\u200Blogy',
      description: '',
      members: [
        {
          kind: 'user',
          userId: 'dr.patel',
          displayName: '\u2060',
          role: 'physician',
          department: 'Cardiology',
          title: '',
          active: true,
          fingerprint: null,
          availability: null,
        },
      ],
      onCall: [],
      escalation: DEFAULT_ESCALATION_TIMES,
    });
    expect(choice).toMatchObject({
      name: 'On-call cardiology',
      details: 'Role address · Cardiology · 1 member',
      people: [{ userId: 'dr.patel', name: 'dr.patel' }],
    });
  });
});
