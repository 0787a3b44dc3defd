import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from '../../platform/http/schema.js';

export const PACKAGE_TYPES = ['python', 'npm'] as const;
export const PackageType = StringEnum(PACKAGE_TYPES);
export const PackageName = Type.String({
  minLength: 1,
  maxLength: 214,
  pattern: '^(@[A-Za-z0-9._~-]+/)?[A-Za-z0-9][A-Za-z0-9._~-]*$',
});
export const Version = Type.String({ minLength: 1, maxLength: 64, pattern: '^(==|>=|=)?\\s*v?[0-9][0-9A-Za-z.+-]*$' });
const Severity = StringEnum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const);

/** How a skill declares the packages it needs (the seeds' `python_packages` / `npm_packages`). */
export const DeclaredPackages = Type.Array(
  Type.Object({ name: PackageName, version: Type.Optional(Version) }, { additionalProperties: false }),
  { maxItems: 50 },
);

export const RequestBody = Type.Object(
  {
    package_name: PackageName,
    package_type: PackageType,
    version: Type.Optional(Version),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const PackageRequestOut = Type.Object({
  id: Type.String(),
  package_name: Type.String(),
  package_type: Type.String(),
  version: Nullable(Type.String()),
  reason: Type.String(),
  status: Type.String(),
  scope: Nullable(Type.String()),
  review_reason: Nullable(Type.String()),
  tenant_id: Type.String(),
  reviewed_at: Nullable(Type.String()),
  created_at: Type.String(),
});

export const ReviewBody = Type.Object(
  {
    scope: Type.Optional(StringEnum(['tenant', 'platform'] as const)),
    version_range: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const WhitelistBody = Type.Object(
  {
    package_name: PackageName,
    package_type: PackageType,
    tenant_id: Type.Optional(Type.String()),
    version_range: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const WhitelistOut = Type.Object({
  package_name: Type.String(),
  package_type: Type.String(),
  version_range: Type.String(),
  scope: Type.String(),
  reason: Nullable(Type.String()),
  created_at: Type.String(),
});

export const AdvisoryBody = Type.Object(
  {
    package_name: PackageName,
    package_type: PackageType,
    cve: Type.String({ minLength: 3, maxLength: 64 }),
    severity: Severity,
    affected: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Version range, e.g. "<2.0.0" or ">=1.0 <1.4 || ==2.0.1"',
    }),
    safe_version: Type.Optional(Nullable(Version)),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const Vulnerability = Type.Object({
  id: Type.String(),
  cve: Type.String(),
  severity: Type.String(),
  description: Type.String(),
  affected_versions: Type.String(),
  safe_version: Nullable(Type.String()),
  package_type: Type.String(),
});
