import { expect } from '@playwright/test'

/** The widget shows credit to four significant digits: equal to that precision. */
export function expectSameCredit(shown: number, exact: number): void {
  expect(Math.abs(shown - exact)).toBeLessThanOrEqual(Math.abs(exact) * 1e-3 + 1e-9)
}
