import Fastify from 'fastify';

/** The baseline: a bare Fastify route, no auth, no database. */
const app = Fastify({ logger: false });
app.get('/bare', async () => ({ hello: 'world' }));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: `${address}/bare`, headers: {} })}\n`);
