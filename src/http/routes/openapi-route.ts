import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../openapi-document.ts';

/** `GET /openapi.json` (public): the OpenAPI 3.1 document of this API. */
export function registerOpenApiRoute(app: FastifyInstance): void {
  const document = openApiDocument();
  app.get('/openapi.json', { config: { access: 'public' } }, async (_request, reply) => reply.send(document));
}
