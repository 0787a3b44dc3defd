import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { assertNoIssues, runIssues, saveIssues } from './checks.js';
import { assertValidGraph, type WorkflowEdge, type WorkflowNode } from './graph.js';
import type { NewWorkflow, Workflow, WorkflowSource } from './repo.js';
import * as repo from './repo.js';
import { syncSchedules } from './triggers/schedules.js';

export type { Workflow } from './repo.js';

export const EXPORT_FORMAT_VERSION = '1.0.0';
export const IMPORTED_PREFIX = 'Imported: ';

/** The portable document: what export returns and import accepts. */
export interface WorkflowDocument {
  name: string;
  description: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  metadata: { exported_at: string; version: string };
}

export type WorkflowDraft = Omit<NewWorkflow, 'id' | 'imported'> & { imported?: boolean };

const missing = (id: string) => notFound('WORKFLOW_NOT_FOUND', 'Workflow', id);

/** The graph's shape, then its expressions (parse, read only upstream nodes): 400 naming the node and field. */
export function assertSavable(nodes: WorkflowNode[], edges: WorkflowEdge[], field = 'workflow'): void {
  assertValidGraph(nodes, edges, field);
  assertNoIssues(saveIssues(nodes, edges), 'Invalid workflow');
}

/** Workflows are tenant objects; every write checks the graph first (graph.ts). */
export function workflowsService(ctx: AppContext) {
  /** A new workflow inside the caller's transaction `ex` (e.g. with the template download it comes from). */
  async function createIn(ex: Executor, tenantId: string, draft: WorkflowDraft): Promise<Workflow> {
    assertSavable(draft.nodes, draft.edges);
    const w: NewWorkflow = { ...draft, id: newId('wfl'), imported: draft.imported ?? false };
    const out = await repo.insert(ex, tenantId, w);
    await ctx.outbox.emit(ex, tenantId, 'workflow.created', {
      workflow_id: out.id,
      name: out.name,
      source: out.source,
      template_id: out.template_id,
    });
    return out;
  }

  const create = (tenantId: string, draft: WorkflowDraft): Promise<Workflow> =>
    ctx.db.tx(tenantId, (ex) => createIn(ex, tenantId, draft));

  return {
    create,
    createIn,

    async get(tenantId: string, id: string): Promise<Workflow> {
      const w = await repo.find(ctx.db.as(tenantId), tenantId, id);
      if (!w) throw missing(id);
      return w;
    },

    list: (tenantId: string, f: { source?: WorkflowSource; template_id?: string; limit: number; offset: number }) =>
      repo.list(ctx.db.as(tenantId), tenantId, f),

    async update(
      tenantId: string,
      id: string,
      p: { name?: string; description?: string; category?: string; nodes?: WorkflowNode[]; edges?: WorkflowEdge[] },
    ): Promise<Workflow> {
      return ctx.db.tx(tenantId, async (ex) => {
        const current = await repo.find(ex, tenantId, id);
        if (!current) throw missing(id);
        const nodes = p.nodes ?? current.nodes,
          edges = p.edges ?? current.edges;
        assertSavable(nodes, edges);
        // An active workflow stays runnable, and its schedules follow its trigger nodes.
        if (current.active)
          assertNoIssues(runIssues(nodes, edges), 'An active workflow must stay runnable (deactivate it first)');
        const out = (await repo.update(ex, tenantId, id, { ...p, nodes, edges }))!;
        await syncSchedules(ex, tenantId, id, nodes, current.active);
        await ctx.outbox.emit(ex, tenantId, 'workflow.updated', { workflow_id: id, name: out.name });
        return out;
      });
    },

    async remove(tenantId: string, id: string): Promise<void> {
      await ctx.db.tx(tenantId, async (ex) => {
        if (!(await repo.remove(ex, tenantId, id))) throw missing(id);
        await ctx.outbox.emit(ex, tenantId, 'workflow.deleted', { workflow_id: id });
      });
    },

    /** Imports a portable document as a new workflow named "Imported: …" (the seed's naming). */
    importDocument(
      tenantId: string,
      doc: Omit<WorkflowDocument, 'metadata'> & { metadata?: { version?: string } },
    ): Promise<Workflow> {
      return create(tenantId, {
        name: `${IMPORTED_PREFIX}${doc.name}`,
        document_name: doc.name,
        description: doc.description,
        category: null,
        nodes: doc.nodes,
        edges: doc.edges,
        version: doc.metadata?.version ?? EXPORT_FORMAT_VERSION,
        source: 'file',
        template_id: null,
        input_schema: null,
        steps: null,
        user_inputs: null,
        imported: true,
      });
    },

    /**
     * The portable document for a stored workflow: it carries the name it was imported under, so export → import →
     * export is stable.
     */
    exportWorkflow(w: Workflow): WorkflowDocument {
      return toDocument({
        name: w.document_name ?? w.name,
        description: w.description,
        nodes: w.nodes,
        edges: w.edges,
        version: w.version,
      });
    },
  };
}

export function toDocument(d: {
  name: string;
  description: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  version?: string;
}): WorkflowDocument {
  assertValidGraph(d.nodes, d.edges);
  return {
    name: d.name,
    description: d.description,
    nodes: d.nodes,
    edges: d.edges,
    metadata: { exported_at: new Date().toISOString(), version: d.version ?? EXPORT_FORMAT_VERSION },
  };
}

/** The error for an uploaded document that is not a workflow. */
export function notADocument(message: string, field = 'file'): AppError {
  return new AppError('VALIDATION_ERROR', 'Validation failed', { field, message });
}
