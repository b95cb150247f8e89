import { createRequire } from 'node:module'

export const { webhook } = createRequire(import.meta.url)('./express.js')
