// `approvals here` / `approvals off`: where approval cards are posted (an organisation-wide setting).
import { NoPrivateChatError } from '../../domain/errors.js';
import type { PlainEntry } from '../commands/command-entry.js';

export const approvalsHereCommand: PlainEntry<'approvals-here'> = {
  kind: 'approvals-here',
  permission: 'approvals.manage',
  help: [{ usage: 'Post approval requests in this channel (or stop)', example: 'approvals here' }],
  syntax: {
    phrases: [{ pattern: /^approvals (here|on|off)$/i, build: (rest) => ({ kind: 'approvals-here', on: !/^off$/i.test(rest) }) }],
    example: 'approvals here',
  },
  run: async ({ store, clock }, { turn, caller, scope }, { on }) => {
    const conversation = turn.conversation;
    if (!conversation) throw new NoPrivateChatError();
    scope.target = conversation.id;
    if (on) {
      await store.approvalChannels.register(conversation.id, conversation.channelId, conversation.reference, caller.user.userPrincipalName, clock());
      return { kind: 'approvals-channel', on, changed: true };
    }
    return { kind: 'approvals-channel', on, changed: await store.approvalChannels.unregister(conversation.id) };
  },
};
