/**
 * The requester's command line for jobs (docs/JOBS.md):
 *
 *   npm run job -- submit --task <task> --model <path> --input <path> [--priority n] [--reward rao]
 *                         [--verify adaptive|recompute]
 *   npm run job -- status <id> [--watch]
 *   npm run job -- results <id> --out <file>
 *   npm run job -- cancel <id>
 *   npm run job -- list
 *
 * Every command takes --validator <http url> (default http://127.0.0.1:8787/) and --token <t>
 * (default: the owner token in <data dir>/owner.token, --data-dir default ./data). `submit` uploads
 * the model unless the validator holds it already, and prints the job id on its last line. `results`
 * writes the results once the job is complete, checked against the validator's signed manifest, and
 * exits 0; otherwise it says what is missing and exits 1.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import type { JobView } from '../src/validator/jobs/api.ts'
import { type Manifest, verifyManifest } from '../src/validator/jobs/manifest.ts'
import { decodeWeights } from '../src/work/train/checkpoint.ts'

const USAGE = `usage: npm run job -- <submit|status|results|cancel|list> …
  submit --task <tensors|text-score|text-generate|audio-segments|train> --model <path> --input <path>
         [--priority <n>] [--reward <rao>] [--verify adaptive|recompute]
         (train: --input is the corpus, --model a JSON train config, or weights to fine-tune
          with the rest of the config in --config <json>)
  status <id> [--watch]
  results <id> --out <file>
  cancel <id>
  list
options: --validator <http url> (default http://127.0.0.1:8787/), --token <t> (default: <data dir>/owner.token),
         --data-dir <dir> (default ./data)`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    task: { type: 'string' },
    model: { type: 'string' },
    input: { type: 'string' },
    out: { type: 'string' },
    priority: { type: 'string' },
    reward: { type: 'string' },
    verify: { type: 'string' },
    config: { type: 'string' },
    validator: { type: 'string', default: 'http://127.0.0.1:8787/' },
    token: { type: 'string' },
    'data-dir': { type: 'string', default: 'data' },
    watch: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
})

function fail(message: string): never {
  process.stderr.write(`job: ${message}\n`)
  process.exit(1)
}

const token = () => {
  if (values.token != null) return values.token
  const path = join(resolve(values['data-dir']!), 'owner.token')
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return fail(`no --token, and no owner token at ${path} (the validator makes it at its first start)`)
  }
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(`api/${path}`, values.validator)
  try {
    return await fetch(url, { ...init, headers: { authorization: `Bearer ${token()}`, ...init.headers } })
  } catch (err) {
    return fail(`cannot reach ${url.origin}: ${(err as Error).message}`)
  }
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as T & { error?: string }
  if (!res.ok) fail(`${res.status}: ${body.error ?? res.statusText}`)
  return body
}

function line(s: JobView): string {
  const width = 30
  if (s.train != null) {
    const filled = Math.round((width * s.train.step) / Math.max(1, s.train.max_steps))
    const loss = s.train.held_out_loss != null ? `, held-out loss ${s.train.held_out_loss.toFixed(3)}` : ''
    const eta = s.eta_s != null ? `, about ${s.eta_s} s left` : ''
    return `${s.id} train [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] step ${s.train.step}/${s.train.max_steps}${loss}, ${s.state}${eta}`
  }
  const filled = s.items === 0 ? width : Math.round((width * s.delivered) / s.items)
  const eta = s.state === 'running' && s.eta_s != null ? `, about ${s.eta_s} s left` : ''
  const cost = `${(s.cost_flops / 1e9).toFixed(1)} GFLOP so far`
  return `${s.id} ${s.task} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${s.delivered}/${s.items} records (${s.errors} errors), ${s.state}${eta}, ${cost}`
}

/**
 * A training job: --input is the corpus; --model a JSON train config (from scratch) or a weights
 * file to fine-tune (its architecture read from it, the rest of the config from --config).
 */
async function submitTrain(model: string, input: string, query: URLSearchParams) {
  query.set('corpus', await uploadFile(input))
  let config: Record<string, unknown>
  const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  if (extname(model).toLowerCase() === '.json') config = read(model)
  else {
    query.set('init', await uploadFile(model))
    const architecture = decodeWeights(new Uint8Array(readFileSync(model))).meta.model as Record<
      string,
      unknown
    >
    config = { ...(values.config != null ? read(values.config) : {}), ...architecture }
    delete config.vocab
  }
  return json<JobView>(await call(`jobs?${query}`, { method: 'POST', body: JSON.stringify(config) }))
}

async function submit() {
  const { task, model, input } = values
  if (task == null || model == null || input == null)
    fail(`submit needs --task, --model and --input\n${USAGE}`)
  if (task === 'train') {
    const query = new URLSearchParams({ task })
    if (values.priority != null) query.set('priority', values.priority)
    if (values.reward != null) query.set('reward', values.reward)
    const job = await submitTrain(model, input, query)
    process.stdout.write(`${line(job)}\n${job.id}\n`)
    return
  }
  const bytes = readFileSync(model)
  const sha = bytesToHex(sha256(bytes))
  if ((await call(`models/${sha}`, { method: 'HEAD' })).status !== 200) {
    process.stdout.write(`uploading ${model} (${(bytes.length / 1e6).toFixed(1)} MB)…\n`)
    await json(await call(`models/${sha}`, { method: 'PUT', body: bytes }))
  }
  const query = new URLSearchParams({ task, model: sha })
  if (values.priority != null) query.set('priority', values.priority)
  if (values.reward != null) query.set('reward', values.reward)
  if (values.verify != null) query.set('verify', values.verify)
  const dataset = task === 'audio-segments' ? await audioDataset(input) : readFileSync(input)
  const job = await json<JobView>(await call(`jobs?${query}`, { method: 'POST', body: dataset }))
  process.stdout.write(`${line(job)}\n${job.id}\n`)
}

/** Uploads a data file (a WAV, a corpus, weights) unless the validator holds it already; its sha256. */
async function uploadFile(path: string): Promise<string> {
  const bytes = readFileSync(path)
  const sha = bytesToHex(sha256(bytes))
  if ((await call(`files/${sha}`, { method: 'HEAD' })).status !== 200) {
    process.stdout.write(`uploading ${path} (${(bytes.length / 1e6).toFixed(1)} MB)…\n`)
    await json(await call(`files/${sha}`, { method: 'PUT', body: bytes }))
  }
  return sha
}

/**
 * An audio-segments input as the API takes it: a WAV file is one record (its file name the custom
 * id); a JSONL names WAVs relative to itself. Each WAV is uploaded and named by its sha256; a line
 * that cannot be read, or names no file, goes as it is and comes back as its error line.
 */
async function audioDataset(input: string): Promise<string> {
  if (extname(input).toLowerCase() === '.wav')
    return JSON.stringify({ custom_id: basename(input), body: { wav: await uploadFile(input) } })
  const lines: string[] = []
  for (const text of readFileSync(input, 'utf8').split('\n')) {
    let record: { custom_id?: unknown; body?: { wav?: unknown } }
    try {
      record = JSON.parse(text)
    } catch {
      lines.push(text)
      continue
    }
    const wav = record?.body?.wav
    const path = typeof wav === 'string' ? resolve(dirname(input), wav) : undefined
    if (path != null && existsSync(path)) record.body!.wav = await uploadFile(path)
    lines.push(JSON.stringify(record))
  }
  return lines.join('\n')
}

async function status(id: string) {
  for (;;) {
    const s = await json<JobView>(await call(`jobs/${encodeURIComponent(id)}`))
    process.stdout.write(`${values.watch ? '\r' : ''}${line(s)}${values.watch ? '' : '\n'}`)
    if (!values.watch || s.state !== 'running') break
    await new Promise((r) => setTimeout(r, 1000))
  }
  if (values.watch) process.stdout.write('\n')
}

async function results(id: string) {
  if (values.out == null) fail(`results needs --out <file>\n${USAGE}`)
  const s = await json<JobView>(await call(`jobs/${encodeURIComponent(id)}`))
  if (s.state !== 'done')
    fail(
      `job ${id} is ${s.state}: ${s.items - s.delivered} of ${s.items} records have no verified result yet`,
    )
  const text = await (await call(`jobs/${encodeURIComponent(id)}/results`)).text()
  const lines = text.trimEnd().split('\n')
  const manifest = await json<Manifest>(await call(`jobs/${encodeURIComponent(id)}/manifest`))
  await verifyManifest(manifest, lines).catch((err) =>
    fail(`the results do not match the signed manifest: ${err.message}`),
  )
  writeFileSync(values.out, `${lines.join('\n')}\n`)
  writeFileSync(`${values.out}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`)
  const tensors = await downloadTensors(lines, `${values.out}.tensors`)
  const trained = await downloadTrained(lines, values.out)
  process.stdout.write(
    `${lines.length} records written to ${values.out}, signed by ${manifest.validator} (manifest beside it` +
      `${tensors > 0 ? `, ${tensors} .npy tensors in ${values.out}.tensors/` : ''}${trained})\n`,
  )
}

/** A file the validator keeps, checked against the sha256 that names it. */
async function fetchFile(sha: string): Promise<Uint8Array> {
  const res = await call(`files/${sha}`)
  if (!res.ok) fail(`file ${sha}: ${res.status}`)
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (bytesToHex(sha256(bytes)) !== sha) fail(`file ${sha}: the bytes do not have that sha256`)
  return bytes
}

/** A training job's checkpoint and ONNX export, beside the results file; what was written. */
async function downloadTrained(lines: string[], out: string): Promise<string> {
  const body = JSON.parse(lines[0]).response?.body as { checkpoint?: string; onnx?: string } | undefined
  if (typeof body?.checkpoint !== 'string' || typeof body.onnx !== 'string') return ''
  writeFileSync(`${out}.safetensors`, await fetchFile(body.checkpoint))
  writeFileSync(`${out}.onnx`, await fetchFile(body.onnx))
  return `, the model in ${out}.safetensors and ${out}.onnx`
}

/** The .npy files the lines name (`{"npy": "<sha256>"}`), each checked against its name; how many. */
async function downloadTensors(lines: string[], dir: string): Promise<number> {
  const shas = new Set<string>()
  const walk = (v: unknown): void => {
    if (v == null || typeof v !== 'object') return
    const npy = (v as { npy?: unknown }).npy
    if (typeof npy === 'string' && /^[0-9a-f]{64}$/.test(npy)) shas.add(npy)
    for (const x of Object.values(v)) walk(x)
  }
  for (const line of lines) walk(JSON.parse(line).response?.body)
  if (shas.size > 0) mkdirSync(dir, { recursive: true })
  for (const sha of shas) writeFileSync(join(dir, `${sha}.npy`), await fetchFile(sha))
  return shas.size
}

async function main() {
  const [command, id] = positionals
  if (values.help || command == null) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(command == null && !values.help ? 1 : 0)
  }
  if (command === 'submit') return submit()
  if (command === 'list') {
    const { jobs } = await json<{ jobs: JobView[] }>(await call('jobs'))
    for (const j of jobs) process.stdout.write(`${line(j)}\n`)
    return
  }
  if (id == null) fail(`${command} needs a job id\n${USAGE}`)
  if (command === 'status') return status(id)
  if (command === 'results') return results(id)
  if (command === 'cancel')
    return void process.stdout.write(
      `${line(await json<JobView>(await call(`jobs/${encodeURIComponent(id)}`, { method: 'DELETE' })))}\n`,
    )
  fail(`unknown command ${command}\n${USAGE}`)
}

await main()
