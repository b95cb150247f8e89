// Typed usage of the SDKs `hookwise generate --lang node` makes: generated.test.js installs them
// into a temporary app and runs `tsc --strict --noEmit` on this file there (the generated .d.ts
// files are tested, not only written).
import { Client as Auggie, Webhook as AuggieWebhook, WebhookSignatureError, type types as auggie } from 'auggie'
import { Client as Argus, NotFoundError, type types as argus } from 'argus'
import { ASGGatewayClient } from 'asg-gateway'
import { Client as Argyle } from 'argyle'
import { Client as Gabinete360 } from 'gabinete360'
import { ApiError, Client as Hookwise, Webhook as HookwiseWebhook, type Event, type types as hookwise } from 'hookwise'
import type { PagePromise } from 'hookwise/sdk'

export async function auggieSeed(body: Buffer, signature: string): Promise<string> {
  const client = new Auggie({ apiKey: 'aug_your_key', baseUrl: 'http://127.0.0.1:9', maxRetries: 1, timeout: 5000 })
  const wh: auggie.WebhookRegistration = await client.registerWebhook({
    url: 'https://yourserver.com/webhook',
    event_types: ['research.completed', 'bulk.completed'],
  })
  await client.registerWebhook({ url: 'https://yourserver.com/webhook', event_types: null })
  const current: auggie.Webhook = await client.getWebhook()
  await client.getWebhook(undefined, { signal: AbortSignal.timeout(1000) })
  const removed: void = await client.deleteWebhook()
  try {
    const event: Event<{ job_id: number }> = AuggieWebhook.constructEvent<{ job_id: number }>(body, signature, wh.secret)
    const again = new AuggieWebhook(wh.secret, { tolerance: 300 }).verify(body, { 'x-auggie-signature': signature })
    return `${event.type} ${event.data.job_id} ${again.id} ${current.active} ${String(removed)}`
  } catch (err) {
    if (err instanceof WebhookSignatureError) return err.code
    throw err
  }
}

export async function argusJobs(): Promise<string[]> {
  const client = new Argus()
  const job: argus.Job = await client.createJob({ kind: 'intelligence.enrich.bulk', payload: { profile_ids: ['p1'] } })
  const page: argus.JobList = await client.listJobs({ status: 'running', limit: 50 })
  const ids: string[] = page.jobs.map((j) => j.id)
  for await (const j of client.listJobs({ kind: 'intelligence.enrich.bulk' })) ids.push(j.id)
  const done: argus.Job = await client.waitForJob({ id: job.id }, { timeout: 60000, onProgress: (j) => ids.push(j.status) })
  const result: argus.JobResult = await client.getJobResult({ id: done.id })
  try {
    await client.getJob({ id: 'nope' })
  } catch (err) {
    if (err instanceof NotFoundError && err instanceof ApiError) ids.push(`${err.status} ${err.code}`)
  }
  return [...ids, result.signed_url, String(page.total_count)]
}

export async function otherSeeds(): Promise<unknown[]> {
  const asg = new ASGGatewayClient({ apiKey: 'asg_key' })
  const wh = await asg.registerWebhook({ callback_url: 'https://example.com/hooks/asg', secret: 'whsec_...', events: ['task.settled'] })
  const names: string[] = (await asg.listWebhooks()).map((w) => `${w.webhook_id} ${w.callback_url} ${w.active}`)
  await asg.deleteWebhook({ webhook_id: wh.webhook_id })
  const argyle = new Argyle({ username: 'key_id', password: 'key_secret' })
  const created = await argyle.createWebhook({ events: ['reputations.added'], name: 'n', url: 'https://example.com/argyle' })
  const gabinete = new Gabinete360({ apiKey: 'argos_ak_live_x' })
  const channel = await gabinete.createChannel({
    type: 'webhook',
    name: 'Production webhook',
    config: { type: 'webhook', url: 'https://your-app.com/argos/webhook', secret: 'whsec_a_long_random_string' },
  })
  const own = new Hookwise({ initialRetryDelay: 100, maxRetryDelay: 1000 })
  const job: hookwise.Job = await own.jobs.create({ kind: 'transcode', payload: { input: 'a.mp4' }, idempotency_key: 'k1' })
  const jobs: PagePromise<hookwise.JobList, hookwise.Job> = own.jobs.list({ status: 'succeeded' })
  const event = new HookwiseWebhook('whsec_x').verify('{}', {})
  return [names, created.id, channel.config.url, job.progress_pct, event.type, own.baseUrl, (await jobs).total_count]
}

// What the types refuse.
export function refused(client: Argus, asg: ASGGatewayClient): void {
  // @ts-expect-error: `kind` is required.
  void client.createJob({ payload: {} })
  // @ts-expect-error: a wait needs a timeout.
  void client.waitForJob({ id: 'j' }, {})
  // @ts-expect-error: not an argument of the operation.
  void asg.registerWebhook({ callback_url: 'https://x', colour: 'red' })
  // @ts-expect-error: basic auth takes username and password, not an API key.
  void new Argyle({ apiKey: 'k' })
  // @ts-expect-error: the scheme is bound.
  void new AuggieWebhook('s', { scheme: 'stripe' })
}
