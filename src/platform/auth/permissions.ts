/** Roles and the permissions each holds. Routes name a permission; roles are never checked directly. */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'AGENT_VIEW',
  'AGENT_MANAGE',
  'AGENT_EXECUTE',
  'SKILL_VIEW',
  'SKILL_MANAGE',
  'MARKETPLACE_PUBLISH',
  'MARKETPLACE_INSTALL',
  'GOVERNANCE_APPROVE',
  'GRADUATION_MANAGE',
  'WEBHOOK_MANAGE',
  'INTEGRATION_MANAGE',
  'API_KEY_MANAGE',
  'MEMBER_MANAGE',
  'FEDERATION_MANAGE',
  'TENANT_MANAGE',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: Permission[] = ['AGENT_VIEW', 'SKILL_VIEW'];
const MEMBER: Permission[] = [
  ...VIEWER,
  'AGENT_MANAGE',
  'AGENT_EXECUTE',
  'SKILL_MANAGE',
  'MARKETPLACE_PUBLISH',
  'MARKETPLACE_INSTALL',
];
const ADMIN: Permission[] = [
  ...MEMBER,
  'GOVERNANCE_APPROVE',
  'GRADUATION_MANAGE',
  'WEBHOOK_MANAGE',
  'INTEGRATION_MANAGE',
  'API_KEY_MANAGE',
  'MEMBER_MANAGE',
  'FEDERATION_MANAGE',
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  viewer: new Set(VIEWER),
  member: new Set(MEMBER),
  admin: new Set(ADMIN),
  owner: new Set(PERMISSIONS),
};

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** A credential may grant at most the role of whoever creates it. */
export function roleAtMost(role: Role, ceiling: Role): boolean {
  return RANK[role] <= RANK[ceiling];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
