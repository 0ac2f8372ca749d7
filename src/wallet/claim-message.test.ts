import { describe, expect, it } from 'vitest'
import { type ClaimMessage, describeClaim, encodeClaimMessage, parseClaimMessage } from './claim-message.ts'

const claim: ClaimMessage = {
  netuid: 1,
  validator: '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo',
  contributor: '12D3KooWBCjn9JmR9rpwgK98i6AP51SiaiuFuQ7NBngUnp6y7B2J',
  epochs: [5, 4],
  receipts: 12,
  receiptsRoot: new Uint8Array(32).fill(0xab),
  payoutAddress: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  nonce: new Uint8Array(16).fill(1),
  expiresAt: Date.UTC(2026, 10, 26, 0, 10),
}

describe('claim message', () => {
  it('is plain, domain-tagged text that round-trips', () => {
    const text = new TextDecoder().decode(encodeClaimMessage(claim))
    expect(text.split('\n')[0]).toBe('tessera-claim/1')
    expect(text).toContain('Epochs: 4, 5')
    expect(text).toContain('Expires: 2026-11-26T00:10:00.000Z')
    expect(parseClaimMessage(encodeClaimMessage(claim))).toEqual({ ...claim, epochs: [4, 5] })
  })

  it('describes every field the wallet signs, in order', () => {
    const fields = describeClaim(claim)
    expect(fields.map((f) => f.label)).toEqual([
      'Subnet',
      'Validator',
      'Contributor',
      'Epochs',
      'Receipts',
      'Receipts root',
      'Payout address',
      'Nonce',
      'Expires',
    ])
    const text = new TextDecoder().decode(encodeClaimMessage(claim))
    for (const f of fields) expect(text).toContain(`${f.label}: ${f.value}`)
  })

  it.each([
    ['another tag', (t: string) => t.replace('tessera-claim/1', 'tessera-claim/2')],
    ['a missing field', (t: string) => t.split('\n').slice(0, -1).join('\n')],
    ['extra whitespace', (t: string) => t.replace('Subnet: 1', 'Subnet:  1')],
    ['uppercase hex', (t: string) => t.replace('0xabab', '0xABAB')],
    ['a trailing newline', (t: string) => `${t}\n`],
    ['an invalid address', (t: string) => t.replace(claim.payoutAddress, '5Grwva')],
    [
      'a Polkadot-prefix address',
      (t: string) => t.replace(claim.payoutAddress, '15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5'),
    ],
  ])('refuses %s', (_what, mutate) => {
    const text = mutate(new TextDecoder().decode(encodeClaimMessage(claim)))
    expect(() => parseClaimMessage(new TextEncoder().encode(text))).toThrow(
      expect.objectContaining({ name: 'InvalidClaimMessageError' }),
    )
  })
})
