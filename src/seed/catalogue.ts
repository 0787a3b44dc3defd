/**
 * The starter catalogue `npm run seed` loads: real, runnable listings across the five
 * marketplaces, published by an "ATOM Community" tenant and approved by the platform reviewer.
 */
const fn = (body: string) => `function execute(input) {\n${body}\n}`;

export const SKILLS = [
  {
    name: 'CSV to JSON',
    category: 'data',
    tags: ['csv', 'json', 'data'],
    description: 'Parse CSV text (first row = header) into an array of objects',
    code: fn(
      `  const [head, ...rows] = String(input.csv || '').trim().split(/\\r?\\n/);\n  if (!head) return [];\n  const ` +
        `cols = head.split(',').map((c) => c.trim());\n  return rows.map((r) => ` +
        `Object.fromEntries(r.split(',').map((v, i) => [cols[i], v.trim()])));`,
    ),
    input_schema: { type: 'object', properties: { csv: { type: 'string' } }, required: ['csv'] },
    action: 'read',
  },
  {
    name: 'Text Statistics',
    category: 'productivity',
    tags: ['text', 'analysis'],
    description: 'Count words, sentences and characters, with reading time',
    code: fn(
      `  const t = String(input.text || '');\n  const words = t.split(/\\s+/).filter(Boolean).length;\n  return { ` +
        `words, sentences: t.split(/[.!?]+/).filter((s) => s.trim()).length, characters: t.length, reading_minutes: ` +
        `Math.ceil(words / 200) };`,
    ),
    input_schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    action: 'analyze',
  },
  {
    name: 'Slugify',
    category: 'developer',
    tags: ['text', 'url'],
    description: 'Turn a title into a URL slug',
    code: fn(
      `  return String(input.title || '').toLowerCase().normalize('NFKD').replace(/[\\u0300-\\u036f]/g, ` +
        `'').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');`,
    ),
    input_schema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
    action: 'read',
  },
  {
    name: 'Email Address Validator',
    category: 'sales',
    tags: ['email', 'validation', 'crm'],
    description: 'Check email syntax and flag role and disposable addresses',
    code: fn(
      `  const e = String(input.email || '').trim().toLowerCase();\n  const ok = ` +
        `/^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$/.test(e);\n  const [local, domain] = e.split('@');\n  return { email: e, ` +
        `valid: ok, role_address: ['info', 'sales', 'admin', 'support', 'noreply'].includes(local), disposable: ` +
        `['mailinator.com', 'tempmail.com', '10minutemail.com'].includes(domain) };`,
    ),
    input_schema: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
    action: 'read',
  },
  {
    name: 'Invoice Total Calculator',
    category: 'finance',
    tags: ['invoice', 'tax', 'finance'],
    description: 'Sum invoice lines with quantity, unit price, discount and tax',
    code: fn(
      `  const lines = input.lines || [];\n  const net = lines.reduce((s, l) => s + l.quantity * l.unit_price * (1 ` +
        `- (l.discount || 0)), 0);\n  const tax = net * (input.tax_rate || 0);\n  const r = (n) => Math.round(n * ` +
        `100) / 100;\n  return { net: r(net), tax: r(tax), total: r(net + tax), currency: input.currency || 'USD' };`,
    ),
    input_schema: {
      type: 'object',
      properties: { lines: { type: 'array' }, tax_rate: { type: 'number' }, currency: { type: 'string' } },
      required: ['lines'],
    },
    action: 'analyze',
  },
  {
    name: 'Business Days Between',
    category: 'productivity',
    tags: ['dates', 'scheduling'],
    description: 'Count working days between two ISO dates (Mon–Fri)',
    code: fn(
      `  let d = new Date(input.from), end = new Date(input.to), n = 0;\n  while (d < end) { const w = ` +
        `d.getUTCDay(); if (w !== 0 && w !== 6) n++; d = new Date(d.getTime() + 86400000); }\n  return { ` +
        `business_days: n };`,
    ),
    input_schema: {
      type: 'object',
      properties: { from: { type: 'string' }, to: { type: 'string' } },
      required: ['from', 'to'],
    },
    action: 'read',
  },
  {
    name: 'Lexicon Sentiment Scorer',
    category: 'marketing',
    tags: ['sentiment', 'nlp', 'reviews'],
    description: 'Score text sentiment from a small positive/negative lexicon',
    code: fn(
      `  const pos = ['good', 'great', 'excellent', 'love', 'happy', 'fast', 'helpful'], neg = ['bad', 'poor', ` +
        `'slow', 'hate', 'broken', 'angry', 'late'];\n  const w = String(input.text || ` +
        `'').toLowerCase().match(/[a-z']+/g) || [];\n  const score = w.reduce((s, x) => s + (pos.includes(x) ? 1 : ` +
        `neg.includes(x) ? -1 : 0), 0);\n  return { score, label: score > 0 ? 'positive' : score < 0 ? 'negative' : ` +
        `'neutral' };`,
    ),
    input_schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    action: 'analyze',
  },
  {
    name: 'Markdown Table Builder',
    category: 'developer',
    tags: ['markdown', 'docs'],
    description: 'Render an array of objects as a Markdown table',
    code: fn(
      `  const rows = input.rows || [];\n  if (!rows.length) return '';\n  const cols = Object.keys(rows[0]);\n  ` +
        `return ['| ' + cols.join(' | ') + ' |', '|' + cols.map(() => ' --- |').join(''), ...rows.map((r) => '| ' + ` +
        `cols.map((c) => String(r[c] ?? '')).join(' | ') + ' |')].join('\\n');`,
    ),
    input_schema: { type: 'object', properties: { rows: { type: 'array' } }, required: ['rows'] },
    action: 'read',
  },
  {
    name: 'Lead Scorer',
    category: 'sales',
    tags: ['crm', 'leads', 'sales'],
    description: 'Score a lead 0–100 from company size, budget and engagement',
    code: fn(
      `  const size = Math.min(40, (input.employees || 0) / 25);\n  const budget = Math.min(40, (input.budget_usd ` +
        `|| 0) / 2500);\n  const engaged = Math.min(20, (input.email_opens || 0) * 2);\n  const score = ` +
        `Math.round(size + budget + engaged);\n  return { score, tier: score >= 70 ? 'hot' : score >= 40 ? 'warm' : ` +
        `'cold' };`,
    ),
    input_schema: {
      type: 'object',
      properties: { employees: { type: 'number' }, budget_usd: { type: 'number' }, email_opens: { type: 'number' } },
    },
    action: 'analyze',
  },
  {
    name: 'Pandas Data Profiler',
    category: 'data',
    tags: ['python', 'pandas', 'data'],
    description:
      'Profile a data frame: types, nulls, distributions (Python script; runs where a Python runtime is attached)',
    skill_type: 'script',
    code:
      'import pandas as pd\n\ndef execute(input):\n    df = pd.DataFrame(input["rows"])\n    return ' +
      'df.describe(include="all").to_dict()\n',
    python_packages: [{ name: 'pandas', version: '2.2.2' }],
    license: 'MIT',
    action: 'analyze',
  },
  // Every skill declares its governance action: publishing requires one.
] satisfies ({ action: string } & Record<string, unknown>)[];

export const AGENTS = [
  {
    name: 'Sales Outreach Agent',
    role: 'custom',
    maturity_level: 'supervised',
    capabilities: ['sales', 'crm', 'outreach'],
    skills: ['Lead Scorer', 'Email Address Validator'],
    description: 'Qualifies leads, drafts outreach and keeps the CRM tidy',
    configuration: { temperature: 0.4, system_prompt: 'You are a careful sales development representative.' },
    category: 'sales',
  },
  {
    name: 'Finance Reconciler',
    role: 'finance-agent',
    maturity_level: 'supervised',
    capabilities: ['finance', 'invoices', 'reconciliation'],
    skills: ['Invoice Total Calculator', 'CSV to JSON'],
    description: 'Checks invoice totals and reconciles exports against the ledger',
    configuration: { temperature: 0.1 },
    category: 'finance',
  },
  {
    name: 'Support Triage Agent',
    role: 'general-assistant',
    maturity_level: 'intern',
    capabilities: ['support', 'triage', 'sentiment'],
    skills: ['Lexicon Sentiment Scorer', 'Text Statistics'],
    description: 'Reads incoming tickets, scores sentiment and routes urgent ones',
    configuration: { temperature: 0.2 },
    category: 'support',
  },
  {
    name: 'Content Marketing Writer',
    role: 'marketing-agent',
    maturity_level: 'intern',
    capabilities: ['marketing', 'writing', 'seo'],
    skills: ['Slugify', 'Text Statistics'],
    description: 'Drafts blog posts with SEO-friendly slugs and reading-time estimates',
    configuration: { temperature: 0.7 },
    category: 'marketing',
  },
  {
    name: 'Release Notes Assistant',
    role: 'developer-agent',
    maturity_level: 'student',
    capabilities: ['developer', 'documentation'],
    skills: ['Markdown Table Builder'],
    description: 'Turns merged changes into readable release notes',
    configuration: { temperature: 0.3 },
    category: 'developer',
  },
  {
    name: 'Meeting Scheduler',
    role: 'general-assistant',
    maturity_level: 'intern',
    capabilities: ['scheduling', 'calendar'],
    skills: ['Business Days Between'],
    description: 'Finds slots across working days and proposes meeting times',
    configuration: { temperature: 0.2 },
    category: 'productivity',
  },
];

export const DOMAINS = [
  {
    name: 'B2B Sales Playbook',
    category: 'sales',
    topics: ['crm', 'pipeline', 'qualification'],
    knowledge: { stages: ['lead', 'qualified', 'proposal', 'closed'], qualification: 'BANT' },
    price_usd: 0,
    tags: ['sales', 'crm'],
  },
  {
    name: 'Accounts Payable',
    category: 'finance',
    topics: ['invoices', 'approvals', 'vendors'],
    knowledge: { three_way_match: true, approval_threshold_usd: 5000 },
    price_usd: 19,
    tags: ['finance', 'invoices'],
  },
  {
    name: 'Customer Support Tiers',
    category: 'support',
    topics: ['sla', 'escalation'],
    knowledge: { tiers: { p1: '1h', p2: '8h', p3: '3d' } },
    price_usd: 0,
    tags: ['support', 'sla'],
  },
  {
    name: 'GDPR Data Requests',
    category: 'compliance',
    topics: ['privacy', 'dsar'],
    knowledge: { response_days: 30, identity_check: 'required' },
    price_usd: 49,
    tags: ['privacy', 'compliance'],
  },
  {
    name: 'Recruiting Pipeline',
    category: 'hr',
    topics: ['hiring', 'interviews'],
    knowledge: { stages: ['sourced', 'screen', 'onsite', 'offer'] },
    price_usd: 0,
    tags: ['hr', 'hiring'],
  },
];

export const COMPONENTS = [
  {
    name: 'Data Table',
    category: 'data',
    tags: ['table', 'data', 'ui'],
    description: 'Sortable, paginated table',
    code:
      'export function DataTable({ rows = [], pageSize = 20 }) { return { type: "table", rows: rows.slice(0, ' +
      'pageSize) }; }',
    config_schema: { type: 'object', properties: { page_size: { type: 'integer', minimum: 5, maximum: 200 } } },
  },
  {
    name: 'KPI Tile',
    category: 'analytics',
    tags: ['kpi', 'metrics'],
    description: 'One number with its trend',
    code: 'export function KpiTile({ label, value, delta }) { return { type: "kpi", label, value, delta }; }',
    config_schema: { type: 'object', properties: { format: { enum: ['number', 'currency', 'percent'] } } },
  },
  {
    name: 'Pipeline Board',
    category: 'sales',
    tags: ['kanban', 'crm'],
    description: 'Deals by stage as a board',
    code:
      'export function PipelineBoard({ deals = [] }) { return { type: "board", columns: [...new ' +
      'Set(deals.map((d) => d.stage))] }; }',
    config_schema: null,
  },
  {
    name: 'Line Chart',
    category: 'analytics',
    tags: ['chart', 'time-series'],
    description: 'Time series as a line chart',
    code: 'export function LineChart({ points = [] }) { return { type: "line", points }; }',
    config_schema: { type: 'object', properties: { smooth: { type: 'boolean' } } },
  },
  {
    name: 'Approval Card',
    category: 'governance',
    tags: ['approvals', 'workflow'],
    description: 'Approve or reject a pending agent action',
    code:
      'export function ApprovalCard({ approval }) { return { type: "approval", id: approval.id, actions: ' +
      '["approve", "reject"] }; }',
    config_schema: null,
  },
  {
    name: 'Markdown Note',
    category: 'content',
    tags: ['markdown', 'notes'],
    description: 'Rendered Markdown block',
    code: 'export function MarkdownNote({ text = "" }) { return { type: "markdown", text }; }',
    config_schema: null,
  },
];

/**
 * Workflow templates that run as they are on a fresh install without a model: their steps use the
 * skills above (skill steps) and the agents above (agent steps, which the embedded planner runs
 * when no model is configured), with JSONata for the data in between. A tenant installs the agent
 * templates a workflow names (which brings their skills) before it activates or runs it.
 */
const step = (
  step_id: string,
  name: string,
  step_type: string,
  config: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({ step_id, name, step_type, config, ...extra });
const out = (value: Record<string, unknown>) => step('report', 'Result', 'output', { value });

export const WORKFLOWS = [
  {
    id: 'email_digest',
    name: 'Daily Email Digest',
    category: 'Productivity',
    complexity: 'Beginner',
    tags: ['email', 'digest'],
    description: "Turn the day's messages into one digest with its reading time",
    agents: [] as string[],
    skills: ['Text Statistics'],
    input_schema: [{ name: 'emails', type: 'json', label: 'Messages ([{from, subject, body}])', required: true }],
    steps: [
      step('collect', 'Collect mail', 'transform', {
        expression: '{"text": $join(input.emails.(subject & ". " & body), " "), "count": $count(input.emails)}',
      }),
      step('measure', 'Measure it', 'skill', { skill: 'Text Statistics', inputs: { text: '{{nodes.collect.text}}' } }),
      out({
        digest: '{{ $join(input.emails.("- " & from & ": " & subject), "\n") }}',
        messages: '{{nodes.collect.count}}',
        reading_minutes: '{{nodes.measure.reading_minutes}}',
      }),
    ],
  },
  {
    id: 'lead_enrichment',
    name: 'Lead Enrichment',
    category: 'Sales',
    complexity: 'Intermediate',
    tags: ['crm', 'leads'],
    description: "Validate a new lead's email, score it with the sales agent and route it",
    agents: ['Sales Outreach Agent'],
    skills: ['Email Address Validator', 'Lead Scorer'],
    input_schema: [
      { name: 'email', type: 'email', label: 'Email', required: true },
      { name: 'employees', type: 'integer', label: 'Employees', required: true },
      { name: 'budget_usd', type: 'number', label: 'Budget (USD)', required: true },
      { name: 'email_opens', type: 'integer', label: 'Email opens', default: 0 },
    ],
    steps: [
      step('validate', 'Validate email', 'skill', {
        skill: 'Email Address Validator',
        inputs: { email: '{{input.email}}' },
      }),
      step('score', 'Score lead', 'agent', {
        agent: 'Sales Outreach Agent',
        task: 'Analyze and score this lead with the lead scorer',
        parameters: {
          employees: '{{input.employees}}',
          budget_usd: '{{input.budget_usd}}',
          email_opens: '{{input.email_opens}}',
        },
      }),
      step('route', 'Route', 'condition', {
        expression: 'nodes.validate.valid and nodes.score.result.output.tier = "hot"',
      }),
      step(
        'fast_track',
        'Fast-track to sales',
        'transform',
        { when: true, expression: '{"queue": "sales", "tier": nodes.score.result.output.tier}' },
        { depends_on: ['route'] },
      ),
      step(
        'nurture',
        'Nurture',
        'transform',
        {
          when: false,
          expression: '{"queue": nodes.validate.valid ? "nurture" : "invalid", "tier": nodes.score.result.output.tier}',
        },
        { depends_on: ['route'] },
      ),
      step(
        'report',
        'Result',
        'output',
        {
          value: {
            email: '{{nodes.validate.email}}',
            score: '{{nodes.score.result.output.score}}',
            routing: '{{ nodes.fast_track ? nodes.fast_track : nodes.nurture }}',
          },
        },
        { depends_on: ['fast_track', 'nurture'] },
      ),
    ].map((s, i, all) => (i < 3 ? { ...s, depends_on: i === 0 ? [] : [all[i - 1].step_id] } : s)),
  },
  {
    id: 'invoice_approval',
    name: 'Invoice Approval',
    category: 'Finance',
    complexity: 'Intermediate',
    tags: ['invoices', 'approvals'],
    description: 'Recalculate an invoice and route large ones for approval',
    agents: [],
    skills: ['Invoice Total Calculator'],
    input_schema: [
      { name: 'lines', type: 'array', label: 'Lines ([{quantity, unit_price, discount}])', required: true, min: 1 },
      { name: 'tax_rate', type: 'number', label: 'Tax rate', default: 0 },
      { name: 'threshold_usd', type: 'number', label: 'Approval threshold (USD)', required: true },
    ],
    steps: [
      step('total', 'Recalculate totals', 'skill', {
        skill: 'Invoice Total Calculator',
        inputs: { lines: '{{input.lines}}', tax_rate: '{{input.tax_rate}}' },
      }),
      step(
        'check',
        'Over threshold?',
        'condition',
        { expression: 'nodes.total.total > input.threshold_usd' },
        { depends_on: ['total'] },
      ),
      step(
        'approval',
        'Request approval',
        'transform',
        {
          when: true,
          expression:
            '{"decision": "needs_approval", "reason": "total " & $string(nodes.total.total) & " exceeds " & ' +
            '$string(input.threshold_usd)}',
        },
        { depends_on: ['check'] },
      ),
      step(
        'auto',
        'Auto-approve',
        'transform',
        { when: false, expression: '{"decision": "approved"}' },
        { depends_on: ['check'] },
      ),
      step(
        'report',
        'Result',
        'output',
        { value: { totals: '{{nodes.total}}', decision: '{{ nodes.approval ? nodes.approval : nodes.auto }}' } },
        { depends_on: ['approval', 'auto'] },
      ),
    ],
  },
  {
    id: 'ticket_triage',
    name: 'Support Ticket Triage',
    category: 'Support',
    complexity: 'Beginner',
    tags: ['support', 'sentiment'],
    description: "Score a ticket's sentiment with the triage agent and escalate angry customers",
    agents: ['Support Triage Agent'],
    skills: ['Lexicon Sentiment Scorer'],
    input_schema: [
      { name: 'ticket', type: 'textarea', label: 'Ticket text', required: true },
      { name: 'customer', type: 'text', label: 'Customer', required: true },
    ],
    steps: [
      step('sentiment', 'Score sentiment', 'agent', {
        agent: 'Support Triage Agent',
        task: 'Analyze the sentiment of this support ticket',
        parameters: { text: '{{input.ticket}}' },
      }),
      step(
        'angry',
        'Angry customer?',
        'condition',
        { expression: 'nodes.sentiment.result.output.label = "negative"' },
        { depends_on: ['sentiment'] },
      ),
      step(
        'escalate',
        'Escalate',
        'transform',
        { when: true, expression: '{"queue": "escalations", "priority": "p1", "customer": input.customer}' },
        { depends_on: ['angry'] },
      ),
      step(
        'normal',
        'Standard queue',
        'transform',
        { when: false, expression: '{"queue": "support", "priority": "p3", "customer": input.customer}' },
        { depends_on: ['angry'] },
      ),
      step(
        'report',
        'Result',
        'output',
        {
          value: {
            sentiment: '{{nodes.sentiment.result.output}}',
            routing: '{{ nodes.escalate ? nodes.escalate : nodes.normal }}',
          },
        },
        { depends_on: ['escalate', 'normal'] },
      ),
    ],
  },
  {
    id: 'release_notes',
    name: 'Release Notes',
    category: 'Engineering',
    complexity: 'Beginner',
    tags: ['git', 'docs'],
    description: 'Group merged changes and lay them out as release notes with the release notes agent',
    agents: ['Release Notes Assistant'],
    skills: ['Markdown Table Builder'],
    input_schema: [
      { name: 'repository', type: 'text', label: 'Repository', required: true },
      { name: 'changes', type: 'array', label: 'Changes ([{type, title}])', required: true, min: 1 },
    ],
    steps: [
      step('group', 'Group changes', 'transform', {
        expression: '{"rows": [input.changes^(type).{"type": type, "change": title}]}',
      }),
      step('table', 'Lay out notes', 'agent', {
        agent: 'Release Notes Assistant',
        task: 'List these changes as a markdown table',
        parameters: { rows: '{{nodes.group.rows}}' },
      }),
      out({ title: 'Release notes for {{input.repository}}', markdown: '{{nodes.table.result.output}}' }),
    ],
  },
  {
    id: 'weekly_kpis',
    name: 'Weekly KPI Report',
    category: 'Analytics',
    complexity: 'Advanced',
    tags: ['kpi', 'reporting'],
    description: "Compare this week's KPIs with last week's and write the report table",
    agents: [],
    skills: ['Markdown Table Builder'],
    input_schema: [
      { name: 'metrics', type: 'array', label: 'Metrics ([{name, this_week, last_week}])', required: true, min: 1 },
      { name: 'channel', type: 'text', label: 'Slack channel', required: false },
    ],
    steps: [
      step('compare', 'Compare to last week', 'transform', {
        expression:
          '{"rows": [input.metrics.{"metric": name, "this_week": this_week, "last_week": last_week, "change_pct": ' +
          'last_week = 0 ? null : $round((this_week - last_week) / last_week * 100, 1)}]}',
      }),
      step('table', 'Write the table', 'skill', {
        skill: 'Markdown Table Builder',
        inputs: { rows: '{{nodes.compare.rows}}' },
      }),
      out({
        channel: '{{ input.channel ? input.channel : "#kpis" }}',
        report: '{{nodes.table}}',
        improved: '{{ $count(nodes.compare.rows[change_pct > 0]) }}',
      }),
    ],
  },
];
