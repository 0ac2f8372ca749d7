/**
 * The widget's Network panel: the engine running the shards (and why), the validator, the page's
 * connections (validators, other browsers over WebRTC and what they relayed, the last failed link),
 * the lease round trip, and what this browser keeps of the validator's models.
 */
import type { MeshState } from '../client/browser-mesh.ts'
import type { ModelCache } from '../client/model-cache.ts'

export class NetworkPanel {
  readonly #root: ParentNode

  constructor(root: ParentNode) {
    this.#root = root
  }

  engine(description: string, reason?: string): void {
    const field = this.#el('[data-testid="engine"]')
    field.textContent = description
    if (reason != null) field.title = reason
  }

  validator(name: string): void {
    this.#el('[data-field="validator"]').textContent = name
  }

  connections(state: MeshState): void {
    const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`
    this.#el('[data-testid="network"]').textContent =
      `${plural(state.validators, 'validator')}, ${plural(state.browsers, 'other browser')} (WebRTC); ` +
      `${plural(state.offersViaBrowsers, 'offer')} relayed by other browsers` +
      (state.lastFailure != null && state.browsers === 0 ? `; ${state.lastFailure}` : '')
  }

  latency(ms: number): void {
    this.#el('[data-testid="latency"]').textContent = `${Math.round(ms)} ms (lease round trip)`
  }

  /** What this browser keeps of the validator's models and data (Cache Storage). */
  async modelCache(cache?: ModelCache): Promise<void> {
    const models = await (cache ?? (await import('../client/model-cache.ts')).createModelCache()).list()
    const bytes = models.reduce((sum, m) => sum + m.size, 0)
    this.#el('[data-testid="model-cache"]').textContent =
      `${models.length} item${models.length === 1 ? '' : 's'}, ${(bytes / 1e6).toFixed(1)} MB kept in this browser`
  }

  #el(selector: string): HTMLElement {
    return this.#root.querySelector<HTMLElement>(selector)!
  }
}
