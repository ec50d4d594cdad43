-- The auth plugin's storage (spec platform-apis §1.6): the public halves of
-- every process's signing keys, each user's last issued claims, and the
-- versioned function through which the host reads the keys to verify
-- Backstage user tokens.  Private keys are never stored.
CREATE SCHEMA IF NOT EXISTS auth;

-- One row per signing key a process created; key is the public JWK as text.
-- expires_at = created_at + 3 x token lifetime: no token signed with the key
-- outlives it, and rows past it are pruned.
CREATE TABLE auth.signing_keys (
	kid text PRIMARY KEY,
	key text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL
);
CREATE INDEX signing_keys_expires_at_idx ON auth.signing_keys (expires_at);

-- What /v1/userinfo answers: {"claims":{"sub":..,"ent":[..]}} of the last token issued.
CREATE TABLE auth.user_info (
	user_entity_ref text PRIMARY KEY,
	user_info text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- The interface the host depends on.  Never change it: add public_keys_v2.
CREATE FUNCTION auth.public_keys_v1()
RETURNS TABLE (kid text, jwk text, expires_at timestamptz)
LANGUAGE sql STABLE AS $$
	SELECT k.kid, k.key, k.expires_at FROM auth.signing_keys k
	WHERE k.expires_at > now() ORDER BY k.created_at
$$;
