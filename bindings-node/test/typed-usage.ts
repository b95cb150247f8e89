// Typed usage of the public API: `tsc --noEmit` must accept it (the types are tested, not only written).
import express from 'express'
import {
  AbortError, Api, ApiError, Client, HookwiseError, InvalidArgumentError, NotFoundError, PermissionDeniedError, Profile,
  ProfileError, Webhook, WebhookSignatureError, canonicalize, type ApiOptions, type CreateJobParams, type Event,
  type EventObject, type RequestOptions, type types,
} from 'hookwise'
import { errorHandler, webhook, type WebhookRequestError } from 'hookwise/express'

interface JobData { job: types.Job }

export function verify(body: Buffer, headers: Record<string, string | string[] | undefined>): string {
  const hook = new Webhook(['whsec_new', 'whsec_old'], { scheme: 'standard', tolerance: 300 })
  try {
    const event: Event<JobData> = hook.verify<JobData>(body, headers, { now: 1700000000 })
    const signed: Record<string, string> = hook.sign(body, { id: 'msg_1' })
    const canonical: Buffer = canonicalize(body)
    const stripe = Webhook.constructEvent(body, signed['webhook-signature'], 'whsec_x', { scheme: 'stripe' })
    const plain: EventObject<JobData> = event.toJSON()
    const limit: number = hook.maxPayloadBytes
    const unsigned: string[] = plain.unsignedFields.concat(event.unsignedFields)
    return `${event.type} ${event.createdAt} ${event.data.job.status} ${canonical.length} ${stripe.scheme} ${plain.id} ${limit} ${unsigned}`
  } catch (err) {
    if (err instanceof WebhookSignatureError) return err.code
    throw err
  }
}

export async function jobs(client: Client): Promise<string[]> {
  const job = await client.jobs.create({ kind: 'transcode', payload: { input: 'a.mp4' }, idempotency_key: 'k1' })
  const done = await client.jobs.wait({ id: job.id }, { timeout: 30000, onProgress: (j) => console.log(j.progress_pct) })
  const ids: string[] = []
  for await (const j of client.jobs.list({ status: 'succeeded' })) ids.push(j.id)
  const page: types.JobList = await client.jobs.list({ limit: 10 })
  ids.push(...page.jobs.map((j) => j.id))
  const endpoint: types.WebhookEndpoint = await client.webhooks.register({ url: 'https://example.com/hooks', events: ['job.succeeded'] })
  const all: types.WebhookEndpoint[] = (await client.webhooks.list()).webhooks
  const result: types.JobResult = await client.jobs.result({ id: done.id })
  const bytes: Buffer = await client.download(result.signed_url)
  ids.push(bytes.toString('utf8'))
  ids.push(...all.map((w) => w.url))
  try {
    await client.jobs.get({ id: 'job_nope' })
  } catch (err) {
    if (err instanceof NotFoundError) ids.push(`${err.status} ${err.code} ${err.traceId}`)
  }
  return [done.status, endpoint.id, ...ids]
}

export function app(): express.Express {
  const server = express()
  server.post('/webhooks', express.raw({ type: 'application/json' }), webhook('whsec_x', { scheme: 'github' }), (req, res) => {
    res.json({ type: req.webhookEvent?.type })
  })
  return server
}

export const client = new Client({ apiKey: 'hw_test_key', baseUrl: 'http://127.0.0.1:8080', timeout: 5000, maxRetries: 3 })
/** The key and base URL from HOOKWISE_API_KEY / HOOKWISE_BASE_URL (then the profile's server). */
export const fromEnv: string = new Client().baseUrl + new Client({ initialRetryDelay: 100, userAgent: 'typed/1' }).baseUrl

export async function nullable(c: Client): Promise<string> {
  const params: CreateJobParams = { kind: 'k', callback_url: null, secrecy_level: 'internal' }
  const job = await c.jobs.create(params)
  // @ts-expect-error: the arguments are the API's own field names.
  void c.jobs.create({ kind: 'k', callbackUrl: null })
  // @ts-expect-error: a wait takes the operation's arguments and a timeout.
  void c.jobs.wait(job.id, { timeout: 1000 })
  const hook = await c.webhooks.register({ url: 'https://example.com/hooks', name: null })
  const own: Profile = Profile.hookwise()
  return `${job.id} ${hook.id} ${own.name} ${new Api(own, { apiKey: 'k' }).baseUrl}`
}

export function headerForms(body: Buffer, raw: string[]): Array<string | null> {
  const hook = new Webhook('whsec_x')
  const pairs: Array<[string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]])
  return [
    hook.verify(body, pairs).id,
    hook.verify(body, new Map<string, string | string[]>([['webhook-signature', ['v1,a', 'v1,b']]])).id,
    hook.verify(body, Object.entries({ 'webhook-id': 'msg_1' })).id,
    hook.verify(body, new Headers({ 'webhook-id': 'msg_1' })).id,
    Webhook.constructEvent(body, ['t=1,v1=a', 't=1,v1=b'], 'whsec_x', { scheme: 'stripe' }).id,
  ]
}

interface ArgusJob { id: string; status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled'; progress_pct?: number }

export function profile(text: string): Profile | string {
  try {
    const p = Profile.fromText(text)
    const ops: string[] = p.operations
    const base: string | null = p.baseUrl
    return `${p.name} ${ops.join(',')} ${base ?? 'no base URL'}`
  } catch (err) {
    if (err instanceof ProfileError) return `${err.code} at ${err.pointer}`
    throw err
  }
}

export async function engine(): Promise<string[]> {
  const options: ApiOptions = { apiKey: 'test_key', baseUrl: 'http://127.0.0.1:8080', timeout: 5000, maxRetries: 2,
    initialRetryDelay: 100, maxRetryDelay: 2000, userAgent: 'typed-usage/1' }
  const api = new Api(Profile.fromFile('profiles/argus.yaml'), options)
  const fromPath = new Api('profiles/argus.yaml', { apiKey: 'test_key' })
  const job = await api.call<ArgusJob>('create_job', { kind: 'intelligence.enrich.bulk', payload: { profile_ids: ['p1'] } })
  const seen: number[] = []
  const done: ArgusJob = await api.wait<ArgusJob>('get_job', { id: job.id }, {
    timeout: 60000, onProgress: (j) => seen.push(j.progress_pct ?? 0),
  })
  const ids: string[] = [fromPath.profile.name]
  for await (const j of api.paginate<ArgusJob>('list_jobs', { status: 'succeeded', limit: 50 })) ids.push(j.id)
  const bytes: Buffer = await api.download('/v1/files/result.json')
  try {
    await api.call('get_job', { id: 'nope' })
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof PermissionDeniedError) ids.push(`${err.status} ${err.code} ${JSON.stringify(err.body)}`)
    else if (err instanceof ApiError) ids.push(err.code)
    else if (err instanceof InvalidArgumentError) ids.push(err.code)
  }
  return [done.status, String(bytes.length), ...ids]
}

export async function abortable(c: Client, api: Api): Promise<string[]> {
  const controller = new AbortController()
  const options: RequestOptions = { signal: controller.signal }
  const out: string[] = []
  try {
    const job: types.Job = await c.jobs.get({ id: 'job_1' }, options)
    const page: types.JobList = await c.jobs.list({ limit: 5 }, { signal: AbortSignal.timeout(1000) })
    for await (const j of c.jobs.list({}, options)) out.push(j.id)
    await c.jobs.wait({ id: job.id }, { timeout: 1000, signal: controller.signal })
    const bytes: Buffer = await c.download('/v1/results/job_1', options)
    await api.call('get_job', { id: 'job_1' }, options)
    for await (const j of api.paginate('list_jobs', {}, options)) out.push(String(j))
    await api.download('/v1/files/x', { signal: controller.signal })
    out.push(String(page.jobs.length), String(bytes.length))
  } catch (err) {
    if (err instanceof AbortError) {
      const name: 'AbortError' = err.name
      const code: 'aborted' = err.code
      out.push(name, code, String(err.cause))
    } else if (err instanceof HookwiseError) {
      out.push(String(err.cause))
    }
  }
  // @ts-expect-error: the signal is an AbortSignal.
  void c.jobs.get({ id: 'job_1' }, { signal: 'soon' })
  return out
}

export function middleware(): express.Express {
  const server = express()
  server.post('/strict', webhook('whsec_x', { maxPayloadBytes: 1024 }), (req, res) => res.json({ id: req.webhookEvent?.id }))
  server.post('/own', webhook('whsec_x', {
    scheme: 'stripe',
    onError: (err, req, res, next) => {
      if (err instanceof WebhookSignatureError) {
        const failed = err as WebhookRequestError
        const status: 400 | 413 = failed.status
        res.status(status).json({ rejected: failed.code, statusCode: failed.statusCode })
      } else {
        next(err)
      }
    },
  }), (req, res) => res.end())
  server.use(errorHandler)
  // @ts-expect-error: onError is a function.
  webhook('whsec_x', { onError: 'json' })
  return server
}
