// Holds real responses to the OpenAPI document: the documented status, media type, headers
// and body schema of the route, checked with ajv (JSON Schema 2020-12, as OpenAPI 3.1).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { openApiDocument } from '../../../../src/server/openapi.ts';

const DOCUMENT_ID = 'https://fedcheck.invalid/openapi.json';
const document = openApiDocument('test');
// Not strict: ajv sees the whole document, whose OpenAPI keywords are not JSON Schema.
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ ...document, $id: DOCUMENT_ID });

const pointer = (...parts: string[]) => parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

interface DocumentedResponse {
  content?: Record<string, { schema: object }>;
  headers?: Record<string, { schema: object }>;
}

/** The documented route a request path matches: itself, or a template (`{keyId}`) with one segment per parameter. */
export function documentedPath(path: string): string {
  const requested = new URL(path, 'http://proxy.invalid').pathname;
  const matches = (route: string) => new RegExp(`^${route.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`).test(requested);
  const route = Object.keys(document.paths).find((candidate) => candidate === requested) ?? Object.keys(document.paths).find(matches);
  expect(route, `no documented path for ${requested}`).toBeDefined();
  return route!;
}

/** Checks one real response against the document; returns its body (text or JSON). */
export async function expectDocumented(requestPath: string, response: Response): Promise<unknown> {
  const route = documentedPath(requestPath);
  const responses = (document.paths as Record<string, { get: { responses: Record<string, DocumentedResponse> } }>)[route].get.responses;
  const status = String(response.status);
  expect(Object.keys(responses), `${route}: status ${status} is not documented`).toContain(status);
  const documented = responses[status];
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const value = response.headers.get(name);
    expect(value, `${route} ${status}: header ${name}`).not.toBeNull();
    const validate = ajv.compile(header.schema);
    expect(validate(/^\d+$/.test(value!) ? Number(value) : value), `${route} ${status}: header ${name}=${value}`).toBe(true);
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  expect(Object.keys(documented.content ?? {}), `${route} ${status}: media type ${mediaType}`).toContain(mediaType);
  const raw = await response.text();
  const body = mediaType === 'application/json' ? JSON.parse(raw) : raw;
  const validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/${pointer('paths', route, 'get', 'responses', status, 'content', mediaType, 'schema')}` });
  const valid = validate(body);
  expect(validate.errors ?? [], `${route} ${status}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`).toEqual([]);
  expect(valid).toBe(true);
  return body;
}

export { document as openApi };
