/**
 * A compliance officer's legal holds on messages (issue 20): listing, placing and releasing
 * them, carried by main to the server's hold routes (shared/protocol/message-hold-api.ts) with
 * the session's token. Releasing lets deletion resume, so the server asks for a fresh sign-in;
 * `holds.reauthenticate` is that proof, as the Administration view's. Spread into the contract
 * (contract.ts).
 */
import { z } from 'zod';
import type { Permission } from '../access/permission-matrix';
import { uuid } from '../protocol/identifiers';
import { matterName, MAX_HOLDS_IN_FORCE, messageHold, placeHoldRequest } from '../protocol/message-hold-api';
import { reauthenticationRequest } from './admin-channels';
import type { ChannelSpec } from './channel-spec';

const permission: Permission = 'holds.manage';

export const holdChannels = {
  /** Every hold in force, oldest first. */
  'holds.list': {
    request: z.strictObject({}),
    response: z.strictObject({ holds: z.array(messageHold).max(MAX_HOLDS_IN_FORCE) }),
    permission,
  },
  /** A custodian (by user id) or a conversation (by id, as audit records name it) held for a matter. */
  'holds.place': { request: placeHoldRequest, response: z.strictObject({ hold: messageHold }), permission },
  /** REAUTHENTICATION_REQUIRED when the sign-in is older than the server's window. */
  'holds.release': {
    request: z.strictObject({ holdId: uuid }),
    response: z.strictObject({ releasedAt: z.number().int().nonnegative() }),
    permission,
  },
  /**
   * The matter's held messages written as an eDiscovery package in this OS user's exports folder
   * (main/audit/matter-export.ts), recorded on both trails and proven against the server's chain
   * before it appears. ARCHIVE_KEY_MISSING without an archive key in policy; PACKAGE_UNVERIFIED
   * when it cannot be proven (nothing is written).
   */
  'holds.exportMatter': {
    request: z.strictObject({ matter: matterName }),
    response: z.strictObject({
      folderName: z.string().max(120),
      messages: z.number().int().nonnegative(),
      attachments: z.number().int().nonnegative(),
    }),
    permission,
  },
  'holds.reauthenticate': { request: reauthenticationRequest, response: z.strictObject({}), permission },
} as const satisfies Record<`holds.${string}`, ChannelSpec>;
