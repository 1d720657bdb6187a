import { z } from 'zod'
import type { Route } from './http.js'

const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed request (invalid JSON, unexpected body)',
  401: 'Missing, unknown, stale, replayed or badly signed credentials',
  403: 'The API key lacks the permission this route needs',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Body is not application/json',
  422: 'Validation failed; `error.issues` names each field and rule',
  429: 'Rate limit exceeded; see Retry-After',
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' })
}

/** Builds the OpenAPI 3.1 document of the REST API from the route table itself. */
export function buildOpenApiDocument(options: {
  routes: readonly Route[]
  title: string
  version: string
  serverUrl: string
}) {
  const errorSchema = {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          issues: {
            type: 'array',
            items: {
              type: 'object',
              required: ['code', 'path', 'message'],
              properties: {
                code: { type: 'string' },
                path: { type: 'array', items: { type: ['string', 'integer'] } },
                message: { type: 'string' },
              },
            },
          },
        },
      },
    },
  }
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of options.routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}')
    const parameters = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    if (route.query) {
      const schema = jsonSchema(route.query, 'input') as {
        properties?: Record<string, unknown>
        required?: string[]
      }
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        parameters.push({
          name,
          in: 'query',
          required: schema.required?.includes(name) ?? false,
          schema: property as { type: string },
        })
      }
    }
    const responses: Record<string, unknown> = {
      '200': {
        description: 'OK',
        content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
      },
    }
    const statuses = new Set<number>([...(route.errors ?? []), 422])
    if (route.permission !== null) for (const s of [401, 403, 429]) statuses.add(s)
    if (route.body) for (const s of [400, 413, 415]) statuses.add(s)
    for (const status of [...statuses].sort()) {
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      }
    }
    paths[path] ??= {}
    paths[path]![route.method.toLowerCase()] = {
      summary: route.summary,
      tags: route.tags,
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      ...(route.permission !== null
        ? { security: [{ hmac: [] }], 'x-permission': route.permission }
        : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title,
      version: options.version,
      description:
        'Signed requests carry x-sr-key, x-sr-timestamp (epoch ms, within 5 s of the server) and x-sr-signature = hex(HMAC-SHA256(secret, timestamp + "\\n" + METHOD + "\\n" + path?query + "\\n" + hex(SHA-256(body)))).',
    },
    servers: [{ url: options.serverUrl }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: { hmac: { type: 'apiKey', in: 'header', name: 'x-sr-signature' } },
    },
  }
}
