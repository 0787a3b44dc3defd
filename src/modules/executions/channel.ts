/**
 * The bus channel a runner announces an execution's changes on (any process may serve the stream).
 * In its own file: the runner publishes on it and the stream (which reads through the service, which
 * starts the runner) subscribes, so neither has to import the other.
 */
export const executionChannel = (tenantId: string, executionId: string) => `exec:${tenantId}:${executionId}`;
