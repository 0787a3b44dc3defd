import type { ReactNode } from 'react';
import { AgentDetail } from './pages/agents/AgentDetail';
import { AgentList } from './pages/agents/AgentList';
import { Approvals } from './pages/agents/Approvals';
import { Browse } from './pages/marketplace/Browse';
import { ListingPage } from './pages/marketplace/ListingPage';
import { Publish } from './pages/marketplace/Publish';
import { ReviewQueue } from './pages/marketplace/ReviewQueue';
import { ApiKeys } from './pages/settings/ApiKeys';
import { Federation } from './pages/settings/Federation';
import { Integrations } from './pages/settings/Integrations';
import { Usage } from './pages/settings/Usage';
import { Webhooks } from './pages/settings/Webhooks';
import { RunPage } from './pages/workflows/RunPage';
import { WorkflowList } from './pages/workflows/WorkflowList';
import { WorkflowPage } from './pages/workflows/WorkflowPage';

export interface RouteDef {
  pattern: string;
  render: (p: Record<string, string>) => ReactNode;
  /** Needs a tenant (the bare admin key has none). */
  tenant?: boolean;
}

export const ROUTES: RouteDef[] = [
  { pattern: '/agents', render: () => <AgentList />, tenant: true },
  { pattern: '/agents/:id', render: (p) => <AgentDetail id={p.id} />, tenant: true },
  { pattern: '/approvals', render: () => <Approvals />, tenant: true },
  { pattern: '/workflows', render: () => <WorkflowList />, tenant: true },
  { pattern: '/workflows/:id', render: (p) => <WorkflowPage id={p.id} />, tenant: true },
  { pattern: '/workflow-runs/:id', render: (p) => <RunPage id={p.id} />, tenant: true },
  { pattern: '/marketplace/review', render: () => <ReviewQueue /> },
  { pattern: '/marketplace/:kind', render: (p) => <Browse kind={p.kind} />, tenant: true },
  { pattern: '/marketplace/:kind/publish', render: (p) => <Publish kind={p.kind} />, tenant: true },
  { pattern: '/marketplace/:kind/:id', render: (p) => <ListingPage kind={p.kind} id={p.id} />, tenant: true },
  { pattern: '/settings/api-keys', render: () => <ApiKeys />, tenant: true },
  { pattern: '/settings/webhooks', render: () => <Webhooks />, tenant: true },
  { pattern: '/settings/integrations', render: () => <Integrations />, tenant: true },
  { pattern: '/settings/usage', render: () => <Usage />, tenant: true },
  { pattern: '/settings/federation', render: () => <Federation /> },
];
