/** Opens the validator's ledger; see types.ts for what it keeps. */
export { openPostgresLedger } from './postgres/index.ts'
export { openSqliteLedger as openLedger } from './sqlite/index.ts'
export * from './types.ts'
