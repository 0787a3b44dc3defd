import type { AppContext } from '../../../platform/context.js';
import { ExecutionRunner } from './runner.js';

/** One runner per app: the routes and the job queue hand it the same executions. */
const runners = new WeakMap<AppContext, ExecutionRunner>();

export function runnerFor(ctx: AppContext): ExecutionRunner {
  let runner = runners.get(ctx);
  if (!runner) {
    runner = new ExecutionRunner(ctx);
    runners.set(ctx, runner);
  }
  return runner;
}
