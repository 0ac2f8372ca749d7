/**
 * The contribute widget's markup: its controls, figures, charts, receipts, market and network panels,
 * and the rewards section. The element (tessera-contribute.ts) and the panels that fill it find their
 * parts by `data-testid` and `data-field`.
 */
import { REWARDS_TEMPLATE } from './rewards-panel.ts'

/** Receipts listed in the widget; all of them stay in IndexedDB for claims. */
export const RECEIPTS_SHOWN = 20

export const WIDGET_TEMPLATE = `
<section class="card">
  <header>
    <h2>Contribute your GPU</h2>
    <p class="subnet" data-testid="subnet">Subnet <span data-field="netuid">…</span></p>
  </header>
  <p class="consent">
    When you press <strong>Start</strong>, this page runs compute shards for the subnet's validator
    (matrix multiplications, and batches of the subnet's neural-network models) on your GPU through
    WebGPU, or on your CPU when this browser has no usable GPU, and sends the results back over an
    encrypted peer-to-peer connection. Models are downloaded once and kept in this browser. It uses your
    GPU or CPU, power and some bandwidth while it runs. Nothing runs before you press Start, and Stop
    ends all of it at once.
  </p>
  <p class="support" data-testid="support"></p>
  <div class="controls">
    <button type="button" class="start" data-testid="start">Start</button>
    <button type="button" class="stop" data-testid="stop" disabled>Stop</button>
    <label class="throttle">GPU use
      <input type="range" min="10" max="100" step="10" value="100" data-testid="throttle" />
      <output data-field="throttle">100%</output>
    </label>
  </div>
  <div class="options">
    <label><input type="checkbox" data-testid="pause-hidden" /> Pause while this tab is hidden</label>
    <label><input type="checkbox" data-testid="pause-battery" /> Pause on battery power</label>
  </div>
  <p class="status" data-testid="status" role="status">Ready.</p>
  <dl class="stats">
    <div><dt>Accepted shards (all time)</dt><dd data-testid="accepted">0</dd></div>
    <div><dt>Rejected (this run)</dt><dd data-testid="rejected">0</dd></div>
    <div><dt>Credit (verified GFLOP, all time)</dt><dd data-testid="credit">0</dd></div>
    <div><dt>Device GFLOP/s</dt><dd data-testid="gflops">0</dd></div>
    <div><dt>Delivered GFLOP/s</dt><dd data-testid="delivered">0</dd></div>
    <div><dt>Link ↓ / ↑ MB/s</dt><dd data-testid="link">–</dd></div>
  </dl>
  <p class="estimate" data-testid="estimate" hidden></p>
  <div class="charts" data-field="charts" hidden>
    <figure><figcaption>Delivered rate (GFLOP/s)</figcaption>
      <div class="chart" role="img" data-testid="chart-rate" aria-label="Delivered rate over time"></div></figure>
    <figure><figcaption>Accepted and rejected shards, credit</figcaption>
      <div class="chart" role="img" data-testid="chart-shards" aria-label="Shards and credit over time"></div></figure>
  </div>
  <details class="receipts">
    <summary>Your receipts (latest ${RECEIPTS_SHOWN})</summary>
    <ol data-testid="receipts"></ol>
  </details>
  <section class="market" data-field="market" hidden aria-labelledby="market-title">
    <h3 id="market-title">Market</h3>
    <p class="market-why" data-testid="market-why" aria-live="polite"></p>
    <label class="market-pin">Work for
      <select data-testid="market-pin"><option value="">whichever validator pays most (automatic)</option></select>
    </label>
    <ul class="market-list" data-testid="market"></ul>
  </section>
  <dl class="network-panel" aria-label="Network">
    <dt>Engine</dt><dd data-testid="engine">not started</dd>
    <dt>Validator</dt><dd><code data-field="validator">…</code></dd>
    <dt>Connections</dt><dd data-testid="network">not connected</dd>
    <dt>Latency</dt><dd data-testid="latency">–</dd>
    <dt>Model cache</dt><dd data-testid="model-cache">–</dd>
  </dl>
</section>
${REWARDS_TEMPLATE}`
