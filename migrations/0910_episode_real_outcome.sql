-- Graduation counts only episodes with a real outcome: an execution that completed with something
-- in its result (src/modules/graduation/readiness.ts states the rule; the server sets the column
-- when it writes an episode). Ten runs that matched nothing or returned nothing no longer earn a
-- promotion.
ALTER TABLE episodes ADD COLUMN real_outcome boolean NOT NULL DEFAULT false;

-- Existing episodes, judged by the same rule from their executions' results. Migrations run
-- outside any tenant context, where the policies show no rows: work in the platform context.
SELECT set_config('app.tenant_id', '*', true);

-- Non-empty: some number, boolean or non-blank string anywhere inside (null, '', [] and {} are empty).
UPDATE episodes ep
   SET real_outcome = e.status = 'completed' AND jsonb_typeof(e.result) = 'object' AND jsonb_path_exists(
         CASE WHEN e.result ? 'output' OR e.result ? 'details' THEN jsonb_build_array(e.result->'output', e.result->'details')
              ELSE coalesce(e.result->'summary', 'null') END,
         'strict $.** ? (@.type() == "number" || @.type() == "boolean" || (@.type() == "string" && @ like_regex "[^[:space:]]"))')
  FROM executions e
 WHERE e.tenant_id = ep.tenant_id AND e.id = ep.execution_id;

-- An episode whose execution is gone cannot be judged again: it keeps what it was recorded as.
UPDATE episodes ep SET real_outcome = ep.success
 WHERE NOT EXISTS (SELECT 1 FROM executions e WHERE e.tenant_id = ep.tenant_id AND e.id = ep.execution_id);

-- Edge cases may expect a run to fail (a missing input, a failing tool, an ambiguous task).
ALTER TABLE edge_cases DROP CONSTRAINT edge_cases_expected_behavior_check;
ALTER TABLE edge_cases ADD CONSTRAINT edge_cases_expected_behavior_check CHECK (expected_behavior IN ('complete', 'refuse', 'escalate', 'fail'));
