import { lazy, Suspense } from 'react';
import { Loading } from '../../ui';
import type { GraphProps } from './WorkflowGraph';

// React Flow is the console's largest dependency: loaded only on the pages that draw a graph.
const WorkflowGraph = lazy(() => import('./WorkflowGraph'));

export function Graph(props: GraphProps) {
  return (
    <Suspense
      fallback={
        <div className="wf-graph">
          <Loading what="Drawing the graph" />
        </div>
      }
    >
      <WorkflowGraph {...props} />
    </Suspense>
  );
}
