import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Ajv from 'ajv';
import type { FastifyRequest } from 'fastify';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { ExportBody, ImportDocument, ImportedWorkflow, WorkflowDocument } from './schemas.js';
import { notADocument, toDocument, workflowsService } from './service.js';
import { templatesService } from './templates.js';

const tags = ['Workflow templates'];
/** Largest workflow file `POST /api/marketplace/import` accepts. */
export const IMPORT_MAX_BYTES = 1024 * 1024;

const ajv = new (Ajv as unknown as typeof Ajv.default)({ allErrors: false, strict: false });
const checkDocument = ajv.compile<ImportDocument>(ImportDocument);

/** The uploaded file (first file part) parsed as JSON; a JSON body is accepted too. */
async function readUpload(req: FastifyRequest): Promise<unknown> {
  if (!req.isMultipart()) {
    if (req.headers['content-type']?.includes('json') && req.body && typeof req.body === 'object') return req.body;
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the workflow as multipart/form-data with a JSON file in the field "file"',
      { field: 'file' },
    );
  }
  const part = await req.file();
  if (!part) throw notADocument('No file was uploaded; send it in the field "file"');
  let buf: Buffer;
  try {
    buf = await part.toBuffer();
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${IMPORT_MAX_BYTES} bytes`, {
        field: 'file',
        max_bytes: IMPORT_MAX_BYTES,
      });
    }
    throw err;
  }
  if (!buf.length) throw notADocument(`The file '${part.filename}' is empty`);
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new AppError('INVALID_JSON', `The file '${part.filename}' is not valid JSON: ${(err as Error).message}`, {
      field: 'file',
      filename: part.filename,
    });
  }
}

/** The document as a workflow: nodes and edges at the top, or a template's `workflow_data`. */
function asDocument(value: unknown) {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw notADocument('The file must hold a JSON object with name, nodes and edges');
  if (!checkDocument(value)) {
    const e = checkDocument.errors![0];
    const field = [
      e.instancePath.replace(/^\//, '').replace(/\//g, '.'),
      e.keyword === 'required' ? String(e.params.missingProperty) : '',
    ]
      .filter(Boolean)
      .join('.');
    throw notADocument(`${field || 'document'} ${e.message}`, field || 'file');
  }
  const nodes = value.nodes ?? value.workflow_data?.nodes;
  const edges = value.edges ?? value.workflow_data?.edges ?? [];
  if (!nodes) throw notADocument('The document has no nodes', 'nodes');
  return { name: value.name, description: value.description ?? '', nodes, edges, metadata: value.metadata };
}

/** File import and JSON export of workflows (seed: Import Workflow (File), Export Workflow). */
export const transferRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    await app.register(multipart, {
      limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 10, parts: 11, fieldSize: 1024 },
    });
    const workflows = workflowsService(ctx);
    const templates = templatesService(ctx);

    app.post(
      '/api/marketplace/import',
      {
        schema: {
          tags,
          summary: `Import a workflow from a JSON file (multipart field "file", at most ${IMPORT_MAX_BYTES} bytes)`,
          consumes: ['multipart/form-data', 'application/json'],
          response: { 201: ImportedWorkflow },
        },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req, reply) => {
        const w = await workflows.importDocument(tenantOf(req), asDocument(await readUpload(req)));
        return reply
          .status(201)
          .send({ id: w.id, name: w.name, nodes: w.nodes, edges: w.edges, imported_at: w.imported_at! });
      },
    );

    app.post(
      '/api/marketplace/export',
      {
        schema: {
          tags,
          summary:
            'Export a workflow (given inline, or a stored workflow_id / visible template_id) as a JSON document ' +
            'import accepts',
          body: ExportBody,
          response: { 200: WorkflowDocument },
        },
        config: { permission: 'AGENT_VIEW', write: false },
      },
      async (req) => {
        const b = req.body;
        const tenantId = tenantOf(req);
        if (b.workflow_id) return workflows.exportWorkflow(await workflows.get(tenantId, b.workflow_id));
        if (b.template_id) return templates.exportTemplate(tenantId, b.template_id);
        if (!b.name)
          throw new AppError('MISSING_REQUIRED_FIELD', 'name is required (or give workflow_id or template_id)', {
            field: 'name',
          });
        if (!b.nodes)
          throw new AppError('MISSING_REQUIRED_FIELD', 'nodes is required (or give workflow_id or template_id)', {
            field: 'nodes',
          });
        return toDocument({ name: b.name, description: b.description ?? '', nodes: b.nodes, edges: b.edges ?? [] });
      },
    );
  };
