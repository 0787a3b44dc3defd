import cluster from 'node:cluster';
import { loadConfig } from './config.js';
import { openDatabase } from './platform/db/index.js';
import { migrate } from './platform/db/migrate.js';

/**
 * Scale-out on one machine: N stateless server processes sharing one port (node:cluster), on
 * PostgreSQL and Redis. Everything shared (data, jobs, rate limits, key revocation, streaming
 * fan-out) lives there, so the same processes can also run on several machines behind a proxy.
 *   ATOM_WORKERS=4 DATABASE_URL=postgres://… REDIS_URL=redis://… npm run start:cluster
 */
async function primary() {
  const config = loadConfig();
  if (!config.databaseUrl?.startsWith('postgres')) {
    throw new Error('cluster mode needs DATABASE_URL=postgres://… (the embedded database belongs to one process)');
  }
  if (!config.redisUrl)
    throw new Error('cluster mode needs REDIS_URL: rate limits, key revocation and streams are shared through Redis');
  const db = await openDatabase(config);
  const applied = await migrate(db);
  await db.close();
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  const workers = config.clusterWorkers;
  console.log(`ATOM cluster: starting ${workers} server processes on port ${config.port}`);
  for (let i = 0; i < workers; i++) cluster.fork();
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`server process ${worker.process.pid} exited (${signal ?? code}); starting a replacement`);
    cluster.fork();
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (cluster.isPrimary) {
  primary().catch((err) => {
    console.error(`Cannot start the cluster: ${(err as Error).message}`);
    process.exit(1);
  });
} else {
  await import('./main.js');
}
