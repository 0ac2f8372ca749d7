/**
 * The validator's Jobs page (jobs.html): a requester gives its token once (kept in this browser),
 * submits a model and a dataset, watches each job's progress and downloads its results, all through
 * the jobs API (docs/JOBS.md). Plain fetch; nothing of the contributor's code loads here.
 */

import type { JobView } from '../validator/jobs/api.ts'

const TOKEN_KEY = 'tessera.jobs.token'
const POLL_MS = 2000

const $ = <T extends HTMLElement>(id: string) => document.querySelector<T>(`[data-testid="${id}"]`)!
const say = (text: string) => {
  $('submit-status').textContent = text
}

function token(): string {
  return localStorage.getItem(TOKEN_KEY) ?? ''
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(`api/${path}`, location.href), {
    ...init,
    headers: { authorization: `Bearer ${token()}`, ...init.headers },
  })
}

async function errorOf(res: Response): Promise<string> {
  const body = await res.json().catch(() => ({}))
  return `${res.status}: ${(body as { error?: string }).error ?? res.statusText}`
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Uploads a model or a data file unless the validator holds it already; its sha256, or why not. */
async function uploadOnce(collection: 'models' | 'files', file: File): Promise<string> {
  const bytes = await file.arrayBuffer()
  const sha = await sha256Hex(bytes)
  if ((await api(`${collection}/${sha}`, { method: 'HEAD' })).status !== 200) {
    say(`Uploading ${file.name} (${(bytes.byteLength / 1e6).toFixed(1)} MB)…`)
    const put = await api(`${collection}/${sha}`, { method: 'PUT', body: bytes })
    if (!put.ok) throw new Error(`${file.name} was refused: ${await errorOf(put)}`)
  }
  return sha
}

/** The dataset as the API takes it: a JSONL file as it is; for audio-segments, WAVs chosen, one record each. */
async function datasetOf(task: string, files: File[]): Promise<Blob | string> {
  if (task !== 'audio-segments' || files[0].name.endsWith('.jsonl')) return files[0]
  const records: string[] = []
  for (const wav of files)
    records.push(JSON.stringify({ custom_id: wav.name, body: { wav: await uploadOnce('files', wav) } }))
  return records.join('\n')
}

async function submit(event: Event): Promise<void> {
  event.preventDefault()
  const model = $<HTMLInputElement>('model').files?.[0]
  const chosen = [...($<HTMLInputElement>('dataset').files ?? [])]
  if (model == null || chosen.length === 0) return say('Choose a model and a dataset first.')
  const task = $<HTMLSelectElement>('task').value
  let query: URLSearchParams
  let dataset: Blob | string
  try {
    if (task === 'train') {
      // A training job: the "model" is its JSON train config, the dataset its corpus.
      query = new URLSearchParams({ task, corpus: await uploadOnce('files', chosen[0]) })
      dataset = await model.text()
    } else {
      query = new URLSearchParams({ task, model: await uploadOnce('models', model) })
      dataset = await datasetOf(task, chosen)
    }
  } catch (err) {
    return say(`Not submitted: ${(err as Error).message}`)
  }
  say('Submitting the dataset…')
  const res = await api(`jobs?${query}`, { method: 'POST', body: dataset })
  if (!res.ok) return say(`The job was refused: ${await errorOf(res)}`)
  const job = (await res.json()) as JobView
  say(`Job ${job.id} submitted: ${job.items} records (${job.errors} could not be read).`)
  await refresh()
}

/** Hands a fetched body to the browser as a file. */
async function save(res: Response, name: string): Promise<void> {
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** Fetches the results with the token and hands them to the browser as a file. */
async function download(job: JobView): Promise<void> {
  const res = await api(`jobs/${job.id}/results`)
  if (!res.ok) return say(`Results: ${await errorOf(res)}`)
  await save(res, `${job.id}.jsonl`)
}

/** A finished training job's checkpoint or ONNX export, the file its results line names. */
async function downloadModel(job: JobView, which: 'checkpoint' | 'onnx'): Promise<void> {
  const res = await api(`jobs/${job.id}/results`)
  if (!res.ok) return say(`Results: ${await errorOf(res)}`)
  const sha = JSON.parse((await res.text()).split('\n')[0]).response?.body?.[which]
  if (typeof sha !== 'string') return say('This job has no model to download.')
  const file = await api(`files/${sha}`)
  if (!file.ok) return say(`The ${which}: ${await errorOf(file)}`)
  await save(file, `${job.id}.${which === 'onnx' ? 'onnx' : 'safetensors'}`)
}

function row(job: JobView): HTMLTableRowElement {
  const tr = document.createElement('tr')
  tr.dataset.job = job.id
  tr.dataset.state = job.state
  // A training job's progress is its run's steps; other jobs', their records.
  const [done, of, unit] =
    job.train != null ? [job.train.step, job.train.max_steps, 'steps'] : [job.delivered, job.items, 'records']
  const progress = document.createElement('progress')
  progress.max = of
  progress.value = done
  progress.setAttribute('aria-label', `Job ${job.id.slice(0, 8)}: ${done} of ${of} ${unit}`)
  const eta = job.state === 'running' && job.eta_s != null ? `, about ${job.eta_s} s left` : ''
  const loss = job.train?.held_out_loss != null ? `, held-out loss ${job.train.held_out_loss.toFixed(3)}` : ''
  const cells = [
    job.id.slice(0, 8),
    job.task,
    `${done}/${of} ${unit === 'steps' ? 'steps' : `(${job.errors} errors)`}${loss}${eta}, ${(job.cost_flops / 1e9).toFixed(1)} GFLOP`,
    job.state,
  ]
  for (const [i, text] of cells.entries()) {
    const td = document.createElement('td')
    if (i === 2) td.append(progress, ' ')
    td.append(text)
    tr.append(td)
  }
  const actions = document.createElement('td')
  const get = document.createElement('button')
  get.type = 'button'
  get.textContent = job.state === 'done' ? 'Download results' : 'Download so far'
  get.dataset.testid = 'download'
  get.addEventListener('click', () => void download(job))
  actions.append(get)
  if (job.task === 'train' && job.state === 'done') {
    for (const [which, label] of [
      ['checkpoint', 'Checkpoint'],
      ['onnx', 'ONNX'],
    ] as const) {
      const button = document.createElement('button')
      button.type = 'button'
      button.textContent = label
      button.dataset.testid = `download-${which}`
      button.addEventListener('click', () => void downloadModel(job, which))
      actions.append(button)
    }
  }
  if (job.state === 'running' || job.state === 'paused') {
    const cancel = document.createElement('button')
    cancel.type = 'button'
    cancel.textContent = 'Cancel'
    cancel.addEventListener('click', () => void api(`jobs/${job.id}`, { method: 'DELETE' }).then(refresh))
    actions.append(cancel)
  }
  tr.append(actions)
  return tr
}

async function refresh(): Promise<void> {
  if (token() === '') return
  const res = await api('jobs')
  if (!res.ok) return say(`Jobs: ${await errorOf(res)}`)
  const { jobs } = (await res.json()) as { jobs: JobView[] }
  $('jobs').replaceChildren(...jobs.map(row))
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault()
  localStorage.setItem(TOKEN_KEY, $<HTMLInputElement>('token').value.trim())
  void refresh()
})
$('submit-form').addEventListener('submit', (event) => void submit(event).catch((err) => say(String(err))))
$<HTMLInputElement>('token').value = token()
void refresh()
setInterval(() => void refresh().catch(() => {}), POLL_MS)
