/** The kinds that bring a panel to Tessera's page, one line each (kind.ts `KindPanel`). */
import type { KindPanel } from './kind.ts'
import { trainPanel } from './train/panel.ts'

export const PANEL_KINDS: readonly KindPanel[] = [trainPanel]
