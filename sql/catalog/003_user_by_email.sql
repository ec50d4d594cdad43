-- The catalog's sign-in lookup for the auth plugin's
-- emailMatchingUserEntityProfileEmail resolver (spec platform-apis §1.9):
-- every User whose spec.profile.email equals the email, case-insensitively
-- (search values are stored lower-cased).  An interface: never change it,
-- add user_by_email_v2.
CREATE FUNCTION catalog.user_by_email_v1(email text)
RETURNS TABLE (entity_ref text, final_entity text)
LANGUAGE sql STABLE AS $$
	SELECT f.entity_ref, f.final_entity
	FROM catalog.final_entities f
	WHERE f.entity_id IN (SELECT s.entity_id FROM catalog.search s
			      WHERE s.key = 'spec.profile.email' AND s.value = lower($1))
	  AND f.entity_ref LIKE 'user:%'
	ORDER BY f.entity_ref
$$;
