/**
 * Version ranges for package advisories and whitelist entries, in the small common subset of
 * PEP 440 and semver that advisories use: dotted numeric versions (`2.0.0`, `1.5`), comparators
 * `<`, `<=`, `>`, `>=`, `==`, `=`, `!=`, space- or comma-separated for AND, `||` for OR, and `*`
 * for any version. Pre-release tags after the numbers (`1.0.0rc1`, `1.0.0-beta`) sort before the
 * release, which is what both ecosystems do.
 */
const COMPARATOR = /^(<=|>=|==|!=|<|>|=)?\s*v?([0-9][0-9A-Za-z.+-]*)$/;

function parts(v: string): { nums: number[]; pre: string } {
  const m = /^v?(\d+(?:\.\d+)*)(.*)$/.exec(v.trim());
  if (!m) return { nums: [], pre: v };
  return { nums: m[1]!.split('.').map(Number), pre: m[2]!.replace(/^[-.+]/, '') };
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const x = parts(a),
    y = parts(b);
  for (let i = 0; i < Math.max(x.nums.length, y.nums.length); i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}

export function isValidRange(range: string): boolean {
  if (range.trim() === '*') return true;
  return range.split('||').every((alt) =>
    alt
      .trim()
      .split(/[\s,]+/)
      .filter(Boolean)
      .every((c) => COMPARATOR.test(c)),
  );
}

export function isValidVersion(v: string): boolean {
  return /^v?\d+(\.\d+)*([-.+]?[0-9A-Za-z.]+)?$/.test(v.trim());
}

/** Whether `version` falls inside `range`. An unparsable comparator never matches. */
export function satisfies(version: string, range: string): boolean {
  if (range.trim() === '*') return true;
  return range.split('||').some((alt) =>
    alt
      .trim()
      .split(/[\s,]+/)
      .filter(Boolean)
      .every((c) => {
        const m = COMPARATOR.exec(c);
        if (!m) return false;
        const d = compareVersions(version, m[2]!);
        switch (m[1] ?? '=') {
          case '<':
            return d < 0;
          case '<=':
            return d <= 0;
          case '>':
            return d > 0;
          case '>=':
            return d >= 0;
          case '!=':
            return d !== 0;
          default:
            return d === 0;
        }
      }),
  );
}
