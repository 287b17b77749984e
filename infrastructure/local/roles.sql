-- Least privilege: each service connects with a role of its own, which may
-- connect to the database and create its one schema (the service's
-- migrations do, on first start) and owns that schema; no role is granted
-- anything in another's schema, so order-service cannot read payment's
-- tables. Idempotent; run as a superuser in the services' database by
-- infrastructure/local/postgres.sh, docker compose's init and the end-to-end
-- harness. The passwords are the development defaults of the services'
-- config.yaml; a real deployment creates the roles with its own secrets and
-- passes them as <SERVICE>_POSTGRES_PASSWORD.
DO $$
DECLARE
    svc    record;
    obj    record;
BEGIN
    FOR svc IN SELECT * FROM (VALUES ('order_service', 'order'), ('payment_service', 'payment'),
                                     ('restaurant_service', 'restaurant')) AS s(role, schema) LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = svc.role) THEN
            EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', svc.role, svc.role);
        END IF;
        EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO %I', current_database(), svc.role);
        -- A schema made before the services had roles of their own belongs
        -- to the superuser: hand it, and what is in it, to its service.
        IF EXISTS (SELECT FROM pg_namespace WHERE nspname = svc.schema
                   AND nspowner <> (SELECT oid FROM pg_roles WHERE rolname = svc.role)) THEN
            EXECUTE format('ALTER SCHEMA %I OWNER TO %I', svc.schema, svc.role);
            FOR obj IN SELECT tablename FROM pg_tables WHERE schemaname = svc.schema LOOP
                EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', svc.schema, obj.tablename, svc.role);
            END LOOP;
            FOR obj IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
                       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = svc.schema LOOP
                EXECUTE format('ALTER FUNCTION %s OWNER TO %I', obj.fn, svc.role);
            END LOOP;
        END IF;
    END LOOP;
END
$$;
