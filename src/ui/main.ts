/**
 * Tessera's own page: one <tessera-contribute> widget. A `bootstrap` URL parameter (repeatable) or
 * the build-time VITE_TESSERA_BOOTSTRAP points it at validators other than the one serving the page.
 */
import './tessera-contribute.ts'
import './training-panel.ts'

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
