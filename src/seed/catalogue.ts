/**
 * The starter catalogue `npm run seed` loads: real, runnable listings across the five
 * marketplaces, published by an "ATOM Community" tenant and approved by the platform reviewer.
 */
const fn = (body: string) => `function execute(input) {\n${body}\n}`;

export const SKILLS = [
  { name: 'CSV to JSON', category: 'data', tags: ['csv', 'json', 'data'], description: 'Parse CSV text (first row = header) into an array of objects',
    code: fn(`  const [head, ...rows] = String(input.csv || '').trim().split(/\\r?\\n/);\n  if (!head) return [];\n  const cols = head.split(',').map((c) => c.trim());\n  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], v.trim()])));`),
    input_schema: { type: 'object', properties: { csv: { type: 'string' } }, required: ['csv'] }, action: 'read' },
  { name: 'Text Statistics', category: 'productivity', tags: ['text', 'analysis'], description: 'Count words, sentences and characters, with reading time',
    code: fn(`  const t = String(input.text || '');\n  const words = t.split(/\\s+/).filter(Boolean).length;\n  return { words, sentences: t.split(/[.!?]+/).filter((s) => s.trim()).length, characters: t.length, reading_minutes: Math.ceil(words / 200) };`),
    input_schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, action: 'analyze' },
  { name: 'Slugify', category: 'developer', tags: ['text', 'url'], description: 'Turn a title into a URL slug',
    code: fn(`  return String(input.title || '').toLowerCase().normalize('NFKD').replace(/[\\u0300-\\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');`),
    input_schema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] }, action: 'read' },
  { name: 'Email Address Validator', category: 'sales', tags: ['email', 'validation', 'crm'], description: 'Check email syntax and flag role and disposable addresses',
    code: fn(`  const e = String(input.email || '').trim().toLowerCase();\n  const ok = /^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$/.test(e);\n  const [local, domain] = e.split('@');\n  return { email: e, valid: ok, role_address: ['info', 'sales', 'admin', 'support', 'noreply'].includes(local), disposable: ['mailinator.com', 'tempmail.com', '10minutemail.com'].includes(domain) };`),
    input_schema: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] }, action: 'read' },
  { name: 'Invoice Total Calculator', category: 'finance', tags: ['invoice', 'tax', 'finance'], description: 'Sum invoice lines with quantity, unit price, discount and tax',
    code: fn(`  const lines = input.lines || [];\n  const net = lines.reduce((s, l) => s + l.quantity * l.unit_price * (1 - (l.discount || 0)), 0);\n  const tax = net * (input.tax_rate || 0);\n  const r = (n) => Math.round(n * 100) / 100;\n  return { net: r(net), tax: r(tax), total: r(net + tax), currency: input.currency || 'USD' };`),
    input_schema: { type: 'object', properties: { lines: { type: 'array' }, tax_rate: { type: 'number' }, currency: { type: 'string' } }, required: ['lines'] }, action: 'analyze' },
  { name: 'Business Days Between', category: 'productivity', tags: ['dates', 'scheduling'], description: 'Count working days between two ISO dates (Mon–Fri)',
    code: fn(`  let d = new Date(input.from), end = new Date(input.to), n = 0;\n  while (d < end) { const w = d.getUTCDay(); if (w !== 0 && w !== 6) n++; d = new Date(d.getTime() + 86400000); }\n  return { business_days: n };`),
    input_schema: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } }, required: ['from', 'to'] }, action: 'read' },
  { name: 'Lexicon Sentiment Scorer', category: 'marketing', tags: ['sentiment', 'nlp', 'reviews'], description: 'Score text sentiment from a small positive/negative lexicon',
    code: fn(`  const pos = ['good', 'great', 'excellent', 'love', 'happy', 'fast', 'helpful'], neg = ['bad', 'poor', 'slow', 'hate', 'broken', 'angry', 'late'];\n  const w = String(input.text || '').toLowerCase().match(/[a-z']+/g) || [];\n  const score = w.reduce((s, x) => s + (pos.includes(x) ? 1 : neg.includes(x) ? -1 : 0), 0);\n  return { score, label: score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral' };`),
    input_schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, action: 'analyze' },
  { name: 'Markdown Table Builder', category: 'developer', tags: ['markdown', 'docs'], description: 'Render an array of objects as a Markdown table',
    code: fn(`  const rows = input.rows || [];\n  if (!rows.length) return '';\n  const cols = Object.keys(rows[0]);\n  return ['| ' + cols.join(' | ') + ' |', '|' + cols.map(() => ' --- |').join(''), ...rows.map((r) => '| ' + cols.map((c) => String(r[c] ?? '')).join(' | ') + ' |')].join('\\n');`),
    input_schema: { type: 'object', properties: { rows: { type: 'array' } }, required: ['rows'] }, action: 'read' },
  { name: 'Lead Scorer', category: 'sales', tags: ['crm', 'leads', 'sales'], description: 'Score a lead 0–100 from company size, budget and engagement',
    code: fn(`  const size = Math.min(40, (input.employees || 0) / 25);\n  const budget = Math.min(40, (input.budget_usd || 0) / 2500);\n  const engaged = Math.min(20, (input.email_opens || 0) * 2);\n  const score = Math.round(size + budget + engaged);\n  return { score, tier: score >= 70 ? 'hot' : score >= 40 ? 'warm' : 'cold' };`),
    input_schema: { type: 'object', properties: { employees: { type: 'number' }, budget_usd: { type: 'number' }, email_opens: { type: 'number' } } }, action: 'analyze' },
  { name: 'Pandas Data Profiler', category: 'data', tags: ['python', 'pandas', 'data'], description: 'Profile a data frame: types, nulls, distributions (Python script; runs where a Python runtime is attached)',
    skill_type: 'script', code: 'import pandas as pd\n\ndef execute(input):\n    df = pd.DataFrame(input["rows"])\n    return df.describe(include="all").to_dict()\n', python_packages: [{ name: 'pandas', version: '2.2.2' }], license: 'MIT', action: 'analyze' },
  // Every skill declares its governance action: publishing requires one.
] satisfies ({ action: string } & Record<string, unknown>)[];

export const AGENTS = [
  { name: 'Sales Outreach Agent', role: 'custom', maturity_level: 'supervised', capabilities: ['sales', 'crm', 'outreach'], skills: ['Lead Scorer', 'Email Address Validator'],
    description: 'Qualifies leads, drafts outreach and keeps the CRM tidy', configuration: { temperature: 0.4, system_prompt: 'You are a careful sales development representative.' }, category: 'sales' },
  { name: 'Finance Reconciler', role: 'finance-agent', maturity_level: 'supervised', capabilities: ['finance', 'invoices', 'reconciliation'], skills: ['Invoice Total Calculator', 'CSV to JSON'],
    description: 'Checks invoice totals and reconciles exports against the ledger', configuration: { temperature: 0.1 }, category: 'finance' },
  { name: 'Support Triage Agent', role: 'general-assistant', maturity_level: 'intern', capabilities: ['support', 'triage', 'sentiment'], skills: ['Lexicon Sentiment Scorer', 'Text Statistics'],
    description: 'Reads incoming tickets, scores sentiment and routes urgent ones', configuration: { temperature: 0.2 }, category: 'support' },
  { name: 'Content Marketing Writer', role: 'marketing-agent', maturity_level: 'intern', capabilities: ['marketing', 'writing', 'seo'], skills: ['Slugify', 'Text Statistics'],
    description: 'Drafts blog posts with SEO-friendly slugs and reading-time estimates', configuration: { temperature: 0.7 }, category: 'marketing' },
  { name: 'Release Notes Assistant', role: 'developer-agent', maturity_level: 'student', capabilities: ['developer', 'documentation'], skills: ['Markdown Table Builder'],
    description: 'Turns merged changes into readable release notes', configuration: { temperature: 0.3 }, category: 'developer' },
  { name: 'Meeting Scheduler', role: 'general-assistant', maturity_level: 'intern', capabilities: ['scheduling', 'calendar'], skills: ['Business Days Between'],
    description: 'Finds slots across working days and proposes meeting times', configuration: { temperature: 0.2 }, category: 'productivity' },
];

export const DOMAINS = [
  { name: 'B2B Sales Playbook', category: 'sales', topics: ['crm', 'pipeline', 'qualification'], knowledge: { stages: ['lead', 'qualified', 'proposal', 'closed'], qualification: 'BANT' }, price_usd: 0, tags: ['sales', 'crm'] },
  { name: 'Accounts Payable', category: 'finance', topics: ['invoices', 'approvals', 'vendors'], knowledge: { three_way_match: true, approval_threshold_usd: 5000 }, price_usd: 19, tags: ['finance', 'invoices'] },
  { name: 'Customer Support Tiers', category: 'support', topics: ['sla', 'escalation'], knowledge: { tiers: { p1: '1h', p2: '8h', p3: '3d' } }, price_usd: 0, tags: ['support', 'sla'] },
  { name: 'GDPR Data Requests', category: 'compliance', topics: ['privacy', 'dsar'], knowledge: { response_days: 30, identity_check: 'required' }, price_usd: 49, tags: ['privacy', 'compliance'] },
  { name: 'Recruiting Pipeline', category: 'hr', topics: ['hiring', 'interviews'], knowledge: { stages: ['sourced', 'screen', 'onsite', 'offer'] }, price_usd: 0, tags: ['hr', 'hiring'] },
];

export const COMPONENTS = [
  { name: 'Data Table', category: 'data', tags: ['table', 'data', 'ui'], description: 'Sortable, paginated table', code: 'export function DataTable({ rows = [], pageSize = 20 }) { return { type: "table", rows: rows.slice(0, pageSize) }; }', config_schema: { type: 'object', properties: { page_size: { type: 'integer', minimum: 5, maximum: 200 } } } },
  { name: 'KPI Tile', category: 'analytics', tags: ['kpi', 'metrics'], description: 'One number with its trend', code: 'export function KpiTile({ label, value, delta }) { return { type: "kpi", label, value, delta }; }', config_schema: { type: 'object', properties: { format: { enum: ['number', 'currency', 'percent'] } } } },
  { name: 'Pipeline Board', category: 'sales', tags: ['kanban', 'crm'], description: 'Deals by stage as a board', code: 'export function PipelineBoard({ deals = [] }) { return { type: "board", columns: [...new Set(deals.map((d) => d.stage))] }; }', config_schema: null },
  { name: 'Line Chart', category: 'analytics', tags: ['chart', 'time-series'], description: 'Time series as a line chart', code: 'export function LineChart({ points = [] }) { return { type: "line", points }; }', config_schema: { type: 'object', properties: { smooth: { type: 'boolean' } } } },
  { name: 'Approval Card', category: 'governance', tags: ['approvals', 'workflow'], description: 'Approve or reject a pending agent action', code: 'export function ApprovalCard({ approval }) { return { type: "approval", id: approval.id, actions: ["approve", "reject"] }; }', config_schema: null },
  { name: 'Markdown Note', category: 'content', tags: ['markdown', 'notes'], description: 'Rendered Markdown block', code: 'export function MarkdownNote({ text = "" }) { return { type: "markdown", text }; }', config_schema: null },
];

const steps = (...names: string[]) => names.map((n, i) => ({ step_id: `s${i + 1}`, name: n, step_type: i === 0 ? 'api_call' : 'llm' }));
export const WORKFLOWS = [
  { id: 'email_digest', name: 'Daily Email Digest', category: 'Productivity', complexity: 'Beginner', tags: ['email', 'digest'], description: 'Summarise the day\'s email into one digest',
    input_schema: [{ name: 'data_source', type: 'select', label: 'Mailbox', required: true, options: ['gmail', 'outlook'] }], steps: steps('Fetch mail', 'Write digest', 'Send digest') },
  { id: 'lead_enrichment', name: 'Lead Enrichment', category: 'Sales', complexity: 'Intermediate', tags: ['crm', 'leads'], description: 'Validate, score and route new leads',
    input_schema: [{ name: 'crm', type: 'select', label: 'CRM', required: true, options: ['salesforce', 'hubspot'] }], steps: steps('Read new leads', 'Validate emails', 'Score leads', 'Update CRM') },
  { id: 'invoice_approval', name: 'Invoice Approval', category: 'Finance', complexity: 'Intermediate', tags: ['invoices', 'approvals'], description: 'Check totals and route large invoices for approval',
    input_schema: [{ name: 'threshold_usd', type: 'number', label: 'Approval threshold (USD)', required: true }], steps: steps('Collect invoices', 'Recalculate totals', 'Request approval') },
  { id: 'ticket_triage', name: 'Support Ticket Triage', category: 'Support', complexity: 'Beginner', tags: ['support', 'sentiment'], description: 'Score ticket sentiment and escalate angry customers',
    input_schema: [{ name: 'helpdesk', type: 'select', label: 'Helpdesk', required: true, options: ['zendesk', 'freshdesk'] }], steps: steps('Fetch tickets', 'Score sentiment', 'Escalate') },
  { id: 'release_notes', name: 'Release Notes', category: 'Engineering', complexity: 'Beginner', tags: ['git', 'docs'], description: 'Draft release notes from merged pull requests',
    input_schema: [{ name: 'repository', type: 'text', label: 'Repository', required: true }], steps: steps('List merged PRs', 'Group changes', 'Write notes') },
  { id: 'weekly_kpis', name: 'Weekly KPI Report', category: 'Analytics', complexity: 'Advanced', tags: ['kpi', 'reporting'], description: 'Collect KPIs from several sources and publish a report',
    input_schema: [{ name: 'channel', type: 'text', label: 'Slack channel', required: false }], steps: steps('Query metrics', 'Compare to last week', 'Write summary', 'Post report') },
];
