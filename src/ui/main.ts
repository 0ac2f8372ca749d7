/**
 * Tessera's own page: one <tessera-contribute> widget, and below it the panels the work kinds bring
 * (work/panel-kinds.ts; each hides itself when its validator does not run its kind). A `bootstrap`
 * URL parameter (repeatable) or the build-time VITE_TESSERA_BOOTSTRAP points the widget at
 * validators other than the one serving the page.
 */
import './tessera-contribute.ts'
import { PANEL_KINDS } from '../work/panel-kinds.ts'

const panels = document.querySelector('#kind-panels')
for (const panel of PANEL_KINDS) {
  panel.define()
  panels?.append(document.createElement(panel.tag))
}

const params = new URLSearchParams(location.search)
const widget = document.querySelector('tessera-contribute')
const configured = [...params.getAll('bootstrap'), import.meta.env.VITE_TESSERA_BOOTSTRAP ?? '']
  .join(' ')
  .trim()
const engine = params.get('engine')
if (widget && engine) widget.setAttribute('engine', engine)
if (widget && configured) {
  widget.setAttribute('bootstrap', configured)
  widget.setAttribute('netuid', params.get('netuid') ?? import.meta.env.VITE_TESSERA_NETUID ?? '1')
}
