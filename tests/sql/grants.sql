-- The role the jobs run as in the tests, with exactly the grants the first
-- deployment gave them (shared/reference/dlcs-schema.md), plus SELECT on
-- "Spaces" for telling deleted spaces from emptied ones (README: grants).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'recalc') THEN
        CREATE ROLE recalc LOGIN PASSWORD 'recalc-secret-pw';
    END IF;
END $$;
GRANT USAGE ON SCHEMA public TO recalc;
GRANT SELECT, INSERT, UPDATE ON "EntityCounters" TO recalc;
GRANT SELECT ON "Images" TO recalc;
GRANT SELECT ON "Spaces" TO recalc;
GRANT SELECT, INSERT, UPDATE ON "CustomerStorage" TO recalc;
GRANT SELECT ON "ImageStorage" TO recalc;
DO $$
BEGIN
    IF to_regclass('"Adjuncts"') IS NOT NULL THEN
        GRANT SELECT ON "Adjuncts" TO recalc;
    END IF;
END $$;
