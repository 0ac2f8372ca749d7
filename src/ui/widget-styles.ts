export const WIDGET_CSS = `
:host { display: block; font: 15px/1.45 system-ui, sans-serif; color: #1d232b; max-width: 40rem; }
:host([hidden]) { display: none; }
.card { border: 1px solid #d4dae2; border-radius: 12px; padding: 1.25rem 1.5rem; background: #fff; }
header { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; }
h2 { margin: 0 0 .5rem; font-size: 1.25rem; }
.subnet { margin: 0; color: #5a6675; }
.consent { background: #f4f7fb; border-radius: 8px; padding: .75rem 1rem; }
.support { color: #5a6675; font-size: .9rem; }
.controls { display: flex; align-items: center; gap: .75rem; flex-wrap: wrap; }
.estimate { color: #5a6675; }
.receipts ol { max-height: 12rem; overflow: auto; overflow-wrap: anywhere; font-size: .85rem; padding-left: 1.25rem; }
.options { display: flex; gap: .25rem 1rem; flex-wrap: wrap; margin-top: .5rem; color: #5a6675; font-size: .9rem; }
button { font: inherit; padding: .5rem 1.25rem; border-radius: 8px; border: 1px solid #1f6feb; cursor: pointer; }
button.start { background: #1f6feb; color: #fff; }
button.stop { background: #fff; color: #b42318; border-color: #b42318; }
button:disabled { opacity: .45; cursor: not-allowed; }
.throttle { display: flex; align-items: center; gap: .5rem; color: #5a6675; }
.status { min-height: 1.5em; font-weight: 500; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr)); gap: .5rem; margin: 0; }
.stats div { background: #f4f7fb; border-radius: 8px; padding: .5rem .75rem; }
dt { font-size: .75rem; color: #5a6675; }
dd { margin: 0; font-size: 1.25rem; font-variant-numeric: tabular-nums; }
.rewards { border: 1px solid #d4dae2; border-radius: 12px; padding: 1rem 1.5rem; background: #fff; margin-top: 1rem; }
.rewards h3 { margin: 0 0 .25rem; }
.rewards h4 { margin: 1rem 0 .25rem; font-size: .9rem; color: #5a6675; }
.rewards .explain, .claimable { color: #5a6675; }
.preview { background: #f4f7fb; border-radius: 8px; padding: .75rem 1rem; margin: .75rem 0; }
.preview dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem .75rem; margin: .5rem 0; }
.preview dt { font-weight: 600; font-size: .85rem; color: #1d232b; }
.preview dd { font-family: ui-monospace, monospace; font-size: .8rem; word-break: break-all; }
.preview small { font-family: system-ui, sans-serif; color: #5a6675; }
.ack { background: #e9f7ef; border-radius: 8px; padding: .5rem .75rem; }
.history { font-size: .85rem; color: #5a6675; padding-left: 1.25rem; }
[hidden] { display: none !important; }
select { max-width: 100%; }
.account { display: flex; align-items: center; gap: .5rem; min-width: 0; max-width: 100%; }
.account select { min-width: 0; flex: 1; text-overflow: ellipsis; }
.market { margin-top: .75rem; }
.market h3 { margin: 0 0 .25rem; font-size: 1rem; }
.market-why { color: #1d232b; font-size: .9rem; }
.market-pin { display: flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: center; font-size: .9rem; color: #5a6675; }
.market-pin select { min-width: 0; max-width: 100%; }
.market-list { padding-left: 1.25rem; font-size: .85rem; overflow-wrap: anywhere; }
.network-panel { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem .75rem; margin: .75rem 0 0; }
.network-panel dt { font-size: .85rem; }
.network-panel dd { font-size: .85rem; color: #1d232b; overflow-wrap: anywhere; }
.charts { display: grid; gap: .5rem; margin-top: .75rem; }
.charts figure { margin: 0; min-width: 0; }
.charts figcaption { font-size: .8rem; color: #5a6675; }
.chart { width: 100%; overflow: hidden; }
`
