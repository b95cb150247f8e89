/// <reference types="node" />
// The runtime of the SDKs `hookwise generate --lang node` makes (`hookwise/sdk`): hand-written
// types, checked by `tsc` through the generated packages (test/generated-usage.ts) and hookwise's
// own client (test/typed-usage.ts).
import {
  Api, Profile, Webhook, type Event, type RawBody, type RequestOptions, type SchemeDescription, type VerifyOptions,
  type WaitOptions, type WebhookOptions,
} from './index.js'

export { Api, Profile, type RequestOptions, type SchemeDescription, type WaitOptions }

/** Calls operation `op` of `api` with `params`; resolves to the decoded answer. */
export declare function call<T = any>(api: Api, op: string, params?: object, options?: RequestOptions): Promise<T>
/** Calls operation `op`, which answers nothing; resolves to undefined. */
export declare function send(api: Api, op: string, params?: object, options?: RequestOptions): Promise<void>
/** List operation `op` with `params`: nothing is sent before the answer is awaited or walked. */
export declare function page<Page = any, Item = any>(
  api: Api, op: string, params?: object, options?: RequestOptions,
): PagePromise<Page, Item>
/** Polls operation `op` until a terminal status; resolves to the final object. */
export declare function wait<T = any>(api: Api, op: string, params: object, options: WaitOptions<T>): Promise<T>

/**
 * A list operation's answer: awaiting it fetches the first page; `for await` walks every item
 * of every page instead.
 */
export declare class PagePromise<Page, Item> implements Promise<Page>, AsyncIterable<Item> {
  private constructor()
  then<A = Page, B = never>(
    onFulfilled?: ((page: Page) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B>
  catch<B = never>(onRejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<Page | B>
  finally(onFinally?: (() => void) | null): Promise<Page>
  [Symbol.asyncIterator](): AsyncIterator<Item>
  readonly [Symbol.toStringTag]: string
}

/** Options of a bound `Webhook`: the scheme is the class's. */
export type BoundWebhookOptions = Omit<WebhookOptions, 'scheme'>

/** A `Webhook` bound to the scheme of the subclass's `static SCHEME`: no scheme is passed. */
export declare abstract class BoundWebhook extends Webhook {
  /** The scheme the deliveries are signed with. */
  static readonly SCHEME: string | SchemeDescription
  constructor(secret: string | string[], options?: BoundWebhookOptions)
  /** Stripe-style: verify with the signature header's value alone. */
  static constructEvent<Data = any>(
    payload: RawBody,
    signatureHeader: string | string[] | undefined,
    secret: string | string[],
    options?: BoundWebhookOptions & VerifyOptions,
  ): Event<Data>
}
