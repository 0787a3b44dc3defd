import {
  Background,
  Controls,
  type Edge,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { type KeyboardEvent, memo, useEffect, useMemo } from 'react';
import { edgeId, edgeLabel, nodeName, positions, stepType } from './layout';
import type { GraphEdge, GraphNode, NodeRun } from './types';

type Data = {
  name: string;
  type: string;
  runsAs: string | null;
  state: string | null;
  attempts: number;
  selected: boolean;
};
type FlowNodeT = Node<Data, 'wf'>;

/** One node: its name, its type (and what a template step runs as), and its state during a run. */
const FlowNode = memo(function FlowNode({ data }: NodeProps<FlowNodeT>) {
  const cls = ['wf-node', data.state ? `state-${data.state}` : 'state-none', data.selected ? 'selected' : ''].join(' ');
  return (
    <div className={cls}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="wf-node-name">{data.name}</div>
      <div className="wf-node-type">
        {data.type}
        {data.runsAs && data.runsAs !== data.type ? ` → ${data.runsAs}` : ''}
      </div>
      {data.state && (
        <div className="wf-node-state" data-testid="node-state">
          {data.state.replace('_', ' ')}
          {data.attempts > 1 ? ` · attempt ${data.attempts}` : ''}
        </div>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const NODE_TYPES = { wf: FlowNode };
const FIT = { padding: 0.15, maxZoom: 1.2 };

/** Fits the graph again when its box changes size (a phone turned, the side panel wrapping below). */
function FitOnResize() {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  useEffect(() => {
    if (width && height) void fitView(FIT);
  }, [width, height, fitView]);
  return null;
}

function toFlowNodes(
  nodes: GraphNode[],
  edges: GraphEdge[],
  runs: Map<string, NodeRun> | undefined,
  selected: string | null,
): FlowNodeT[] {
  const at = positions(nodes, edges);
  return nodes.map((n) => {
    const run = runs?.get(n.id);
    const name = nodeName(n);
    const runsAs = run?.runs_as ?? stepType(n);
    return {
      id: n.id,
      type: 'wf',
      position: at.get(n.id)!,
      data: {
        name,
        type: n.type,
        runsAs,
        state: run?.state ?? null,
        attempts: run?.attempts ?? 0,
        selected: n.id === selected,
      },
      ariaLabel: `${name} (${n.type})${run ? `: ${run.state.replace('_', ' ')}` : ''}`,
      draggable: false,
      connectable: false,
      domAttributes: { 'data-state': run?.state ?? 'none' } as Node['domAttributes'],
    };
  });
}

function toFlowEdges(edges: GraphEdge[], runs: Map<string, NodeRun> | undefined): Edge[] {
  return edges.map((e, i) => {
    const target = runs?.get(e.target)?.state;
    return {
      id: edgeId(e, i),
      source: e.source,
      target: e.target,
      // Handles are not named on these nodes: a stored sourceHandle is shown as the label instead.
      sourceHandle: null,
      targetHandle: null,
      label: edgeLabel(e),
      markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
      animated: target === 'running',
      className: target === 'skipped' ? 'wf-edge-skipped' : undefined,
    };
  });
}

export interface GraphProps {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Node states during a run, by node id. */
  runs?: Map<string, NodeRun>;
  selected?: string | null;
  onSelect?: (nodeId: string) => void;
  label: string;
}

/** The workflow drawn with React Flow: read-only, fitted to its box, pan and zoom allowed. */
export default function WorkflowGraph({ nodes, edges, runs, selected = null, onSelect, label }: GraphProps) {
  const flowNodes = useMemo(() => toFlowNodes(nodes, edges, runs, selected), [nodes, edges, runs, selected]);
  const flowEdges = useMemo(() => toFlowEdges(edges, runs), [edges, runs]);
  // React Flow focuses nodes with Tab; Enter or Space on a focused node picks it, like a click.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const id = (e.target as HTMLElement).closest('.react-flow__node')?.getAttribute('data-id');
    if (id && (e.key === 'Enter' || e.key === ' ')) onSelect?.(id);
  };
  return (
    <section className="wf-graph" data-testid="workflow-graph" aria-label={label} onKeyDown={onKeyDown}>
      <ReactFlow
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={NODE_TYPES}
        fitView
        fitViewOptions={FIT}
        minZoom={0.2}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
        onNodeClick={(_, n) => onSelect?.(n.id)}
      >
        <FitOnResize />
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </section>
  );
}
