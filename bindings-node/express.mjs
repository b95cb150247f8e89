import { createRequire } from 'node:module'

export const { webhook, errorHandler } = createRequire(import.meta.url)('./express.js')
