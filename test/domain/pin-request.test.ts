// A self-service request's final states and the reasons shown to approvers.
import { describe, expect, it } from 'vitest';
import { cleanReason, FINAL_STATE, REASON_LIMIT } from '../../src/domain/pin-request.js';

describe('FINAL_STATE', () => {
  it('maps each way out of pending to its state', () => {
    expect(FINAL_STATE).toEqual({ approve: 'approved', deny: 'denied', cancel: 'cancelled', expire: 'expired' });
  });
});

describe('cleanReason', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['  \t\n ', undefined],
    ['new phone', 'new phone'],
    ['  new\tphone\r\nplease  ', 'new phone please'],
    ['new\u0000phone\u007f!', 'new phone !'],
    ['bell\u0007and\u001bescape', 'bell and escape'],
    ['old one was 48261', 'old one was ••••'],
    ['call +14255550100', 'call +14255550100'],
  ])('%j → %j', (text, reason) => {
    expect(cleanReason(text)).toBe(reason);
  });

  it(`keeps at most ${REASON_LIMIT} characters`, () => {
    expect(cleanReason('x'.repeat(500))).toHaveLength(REASON_LIMIT);
    expect(REASON_LIMIT).toBe(200);
    expect(cleanReason(` ${'y'.repeat(REASON_LIMIT)} z`)).toBe('y'.repeat(REASON_LIMIT));
  });
});
