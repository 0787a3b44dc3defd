// Types the seed examples use without defining: Jest's globals (the developer guide's
// integration test) and Next.js's API handler types. The examples run with the test's own
// describe/test/expect and a response recorder.
declare function describe(name: string, fn: () => void): void;
declare function test(name: string, fn: () => Promise<void> | void): void;
declare function expect(actual: unknown): {
  toBe(expected: unknown): void;
  toBeDefined(): void;
  toBeGreaterThan(n: number): void;
};
declare module 'next' {
  export interface NextApiRequest { method?: string; query: Record<string, string | string[] | undefined> }
  export interface NextApiResponse { status(code: number): NextApiResponse; json(body: unknown): void }
}
