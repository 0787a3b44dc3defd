import { parseArgs } from 'node:util';
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { apiKeysService } from './modules/api-keys/service.js';
import { createTenant } from './modules/tenants/service.js';
import { isRole } from './platform/auth/permissions.js';
import { openDatabase } from './platform/db/index.js';
import { migrate } from './platform/db/migrate.js';
import { serveMetrics } from './platform/metrics/http.js';
import { isPlan } from './platform/plans.js';
import { PUBLISHER, seedCatalogue } from './seed/run.js';

const USAGE = `ATOM server

  atom start                                     run the server
  atom migrate                                   apply database migrations and exit
  atom tenant create --name NAME [--plan free|solo|team|enterprise]
                     [--owner-email E --owner-password P]
  atom seed                                      load the starter marketplace catalogue (once)
  atom key create --tenant TENANT_ID [--name NAME] [--scope read|read_write] [--role owner|admin|member|viewer]

Configuration comes from the environment (see README).`;

async function start(config: Config) {
  const { app, close: closeApp, ctx } = await buildApp(config);
  const address = await app.listen({ port: config.port, host: config.host });
  // The scrape-only port (no credential), for a scraper on a private network.
  const metricsServer =
    ctx.metrics && config.metricsPort !== null
      ? await serveMetrics(ctx.metrics, config.metricsPort, config.metricsHost)
      : null;
  const close = async () => {
    await metricsServer?.close();
    await closeApp();
  };
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}/pglite`;
  console.log(`ATOM is listening on ${address}`);
  console.log(`  API docs:   ${address}/api/docs  (OpenAPI: ${address}/api/openapi.json, Redoc: ${address}/api/redoc)`);
  console.log(`  Health:     ${address}/api/health`);
  if (metricsServer)
    console.log(`  Metrics:    ${metricsServer.url}/metrics  (no credential; ${address}/metrics takes the admin key)`);
  console.log(`  Database:   ${where}`);
  if (config.adminKeyGenerated) {
    console.log(`  Admin key:  ${config.adminKey}`);
    console.log(`              (generated on first start and kept in ${config.dataDir}/secrets.json; shown once)`);
  }
  console.log(
    `  Create a tenant: curl -X POST ${address}/api/tenants -H "X-Admin-Key: $ATOM_ADMIN_KEY" -H 'Content-Type: ` +
      `application/json' -d '{"name":"Acme","plan":"team"}'`,
  );
  const stop = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    await close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** CLI commands build the app without HTTP workers so they reuse the services' rules. */
async function withServices<T>(
  config: Config,
  fn: (built: Awaited<ReturnType<typeof buildApp>>) => Promise<T>,
): Promise<T> {
  const built = await buildApp({ ...config, runWorkers: false, logLevel: 'error' });
  try {
    return await fn(built);
  } finally {
    await built.close();
  }
}

async function main(argv: string[]) {
  const [command, sub, ...rest] = argv;
  const config = loadConfig();
  if (command === 'start' || command === undefined) return start(config);
  if (command === 'migrate') {
    const db = await openDatabase(config);
    const applied = await migrate(db);
    await db.close();
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
    return;
  }
  if (command === 'tenant' && sub === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        plan: { type: 'string', default: 'free' },
        'owner-email': { type: 'string' },
        'owner-password': { type: 'string' },
      },
    });
    if (!values.name) throw new ConfigError('--name is required');
    if (!isPlan(values.plan!)) throw new ConfigError('--plan must be free, solo, team or enterprise');
    const owner = values['owner-email']
      ? { email: values['owner-email'], password: values['owner-password'] }
      : undefined;
    const created = await withServices(config, ({ ctx }) =>
      createTenant(ctx, { name: values.name!, plan: values.plan as never, owner }),
    );
    console.log(`Tenant:  ${created.tenant.id} (${created.tenant.name}, plan ${created.tenant.plan})`);
    if (created.owner) console.log(`Owner:   ${created.owner.email}`);
    console.log(`API key: ${created.key}`);
    console.log('         (shown once; keep it safe)');
    return;
  }
  if (command === 'seed') {
    const r = await withServices(config, ({ app, ctx }) =>
      seedCatalogue(app, ctx, config.adminKey, (line) => console.log(`  ${line}`)),
    );
    const added = Object.entries(r.counts)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    console.log(
      r.created
        ? `Seeded the marketplace (${PUBLISHER}): added ${added}`
        : `The catalogue is complete (tenant "${PUBLISHER}"); nothing to add`,
    );
    return;
  }
  if (command === 'key' && sub === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        tenant: { type: 'string' },
        name: { type: 'string', default: 'CLI key' },
        scope: { type: 'string', default: 'read_write' },
        role: { type: 'string', default: 'admin' },
      },
    });
    if (!values.tenant) throw new ConfigError('--tenant is required');
    if (values.scope !== 'read' && values.scope !== 'read_write')
      throw new ConfigError('--scope must be read or read_write');
    if (!isRole(values.role!)) throw new ConfigError('--role must be owner, admin, member or viewer');
    const issued = await withServices(config, ({ ctx }) =>
      apiKeysService(ctx).create(
        values.tenant!,
        { userId: null, role: 'owner' },
        { name: values.name!, scope: values.scope as 'read', role: values.role as 'admin' },
      ),
    );
    console.log(
      `API key: ${issued.key}  (id ${issued.api_key.id}, scope ${issued.api_key.scope}, ` +
        `role ${issued.api_key.role}; shown once)`,
    );
    return;
  }
  console.log(USAGE);
  process.exitCode = command === 'help' || command === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError) console.error(`Configuration error: ${err.message}`);
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
