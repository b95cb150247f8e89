// Typed usage of the public API: `tsc --noEmit` must accept it (the types are tested, not only written).
import express from 'express'
import { Client, Webhook, WebhookSignatureError, NotFoundError, canonicalize, type Event, type EventObject, type Job } from 'hookwise'
import { webhook } from 'hookwise/express'

interface JobData { job: Job }

export function verify(body: Buffer, headers: Record<string, string | string[] | undefined>): string {
  const hook = new Webhook(['whsec_new', 'whsec_old'], { scheme: 'standard', tolerance: 300 })
  try {
    const event: Event<JobData> = hook.verify<JobData>(body, headers, { now: 1700000000 })
    const signed: Record<string, string> = hook.sign(body, { id: 'msg_1' })
    const canonical: Buffer = canonicalize(body)
    const stripe = Webhook.constructEvent(body, signed['webhook-signature'], 'whsec_x', { scheme: 'stripe' })
    const plain: EventObject<JobData> = event.toJSON()
    return `${event.type} ${event.createdAt} ${event.data.job.status} ${canonical.length} ${stripe.scheme} ${plain.id}`
  } catch (err) {
    if (err instanceof WebhookSignatureError) return err.code
    throw err
  }
}

export async function jobs(client: Client): Promise<string[]> {
  const job = await client.jobs.create({ kind: 'transcode', payload: { input: 'a.mp4' }, idempotencyKey: 'k1' })
  const done = await client.jobs.wait(job.id, { timeout: 30000, onProgress: (j) => console.log(j.progress_pct) })
  const ids: string[] = []
  for await (const j of client.jobs.listAll({ status: 'succeeded' })) ids.push(j.id)
  const endpoint = await client.webhooks.register({ url: 'https://example.com/hooks', events: ['job.succeeded'] })
  try {
    await client.jobs.get('job_nope')
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
