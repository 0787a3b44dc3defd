-- Invitations to join a tenant. POST /api/members no longer attaches an existing user: it writes a
-- pending invitation for the email, which the person accepts (or declines) once signed in. One
-- pending invitation per tenant and email; an invitation expires at expires_at.
CREATE TABLE member_invitations (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'revoked')),
  invited_by text,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  responded_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX member_invitations_one_pending ON member_invitations (tenant_id, lower(email)) WHERE status = 'pending';
CREATE INDEX member_invitations_email ON member_invitations (lower(email)) WHERE status = 'pending';
CREATE INDEX member_invitations_id ON member_invitations (id);
SELECT atom_tenant_table('member_invitations');

-- Keys minted by a user are found by their creator when the user leaves or is demoted.
CREATE INDEX api_keys_created_by ON api_keys (tenant_id, created_by) WHERE revoked_at IS NULL;
