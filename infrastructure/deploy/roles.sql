-- Least privilege: two roles per service, neither granted anything in
-- another service's schema, so order-service cannot read payment's tables.
--
--   <service>_migrator  owns the service's schema and everything in it. The
--                       service connects with it only to apply its migrations
--                       at start (postgres.migration_user), on a pool it
--                       closes afterwards.
--   <service>           the runtime role the service works with
--                       (postgres.user): USAGE on its schema and SELECT,
--                       INSERT, UPDATE, DELETE on the schema's tables, USAGE
--                       on its sequences. It may not create, alter or drop a
--                       table, nor create a schema: a compromised service can
--                       change rows, never the shape of its data.
--
-- Neither role may create schemas (no CREATE on the database): this script
-- creates each schema for its migration role. The grants to the runtime role
-- cover the tables present now (GRANT ... ON ALL TABLES) and those a later
-- migration creates (ALTER DEFAULT PRIVILEGES FOR ROLE the migrator).
--
-- Idempotent and additive: it creates what is missing, and a database made
-- when each service's one role owned its schema is handed over (the schema
-- and its objects go to the migration role, the old owner keeps data access
-- only). Run as a superuser in the services' database by
-- infrastructure/tools/local/postgres.sh at every start, docker compose's
-- init and the end-to-end harness. The passwords are the development defaults of the
-- services' config.yaml; a real deployment creates the roles with its own
-- secrets and passes them as <SERVICE>_POSTGRES_PASSWORD and
-- <SERVICE>_POSTGRES_MIGRATION_PASSWORD.
DO $$
DECLARE
    svc record;
    obj record;
BEGIN
    FOR svc IN SELECT * FROM (VALUES ('order_service', 'order_service_migrator', 'order'),
                                     ('payment_service', 'payment_service_migrator', 'payment'),
                                     ('restaurant_service', 'restaurant_service_migrator', 'restaurant'))
                             AS s(runtime, migrator, schema) LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = svc.migrator) THEN
            EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', svc.migrator, svc.migrator);
        END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = svc.runtime) THEN
            EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', svc.runtime, svc.runtime);
        END IF;
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I, %I', current_database(), svc.migrator, svc.runtime);
        -- Earlier versions let the runtime role create its schema.
        EXECUTE format('REVOKE CREATE ON DATABASE %I FROM %I, %I', current_database(), svc.migrator, svc.runtime);

        IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = svc.schema) THEN
            EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', svc.schema, svc.migrator);
        END IF;
        -- A schema made by another role (the superuser, or the runtime role
        -- when it was the only one) goes to the migration role with what is
        -- in it; the previous owner's rights go with the ownership.
        IF EXISTS (SELECT FROM pg_namespace WHERE nspname = svc.schema
                   AND nspowner <> (SELECT oid FROM pg_roles WHERE rolname = svc.migrator)) THEN
            EXECUTE format('ALTER SCHEMA %I OWNER TO %I', svc.schema, svc.migrator);
        END IF;
        FOR obj IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = svc.schema AND c.relkind IN ('r', 'p')
                   AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = svc.migrator) LOOP
            -- Moves the table's own sequences and indexes with it.
            EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', svc.schema, obj.relname, svc.migrator);
        END LOOP;
        FOR obj IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = svc.schema
                   AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = svc.migrator) LOOP
            EXECUTE format('ALTER FUNCTION %s OWNER TO %I', obj.fn, svc.migrator);
        END LOOP;

        -- The runtime role: the rows of its schema's tables, nothing else.
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', svc.schema, svc.runtime);
        EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', svc.schema, svc.runtime);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', svc.schema, svc.runtime);
        EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO %I', svc.schema, svc.runtime);
        EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
                       svc.migrator, svc.schema, svc.runtime);
        EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE ON SEQUENCES TO %I',
                       svc.migrator, svc.schema, svc.runtime);

        -- Timeouts of the runtime role, in this database (a role may serve
        -- elsewhere with other needs). No statement of a service should
        -- come near them; they are there so that a stuck one fails, and is
        -- retried, instead of piling up connections behind it:
        --   statement_timeout 5s: the longest statements are the outbox
        --     cleaners' DELETE of the rows finished in one interval (a
        --     minute of orders: thousands of rows, tens of milliseconds), the
        --     saga deadline checks and the stuck-saga count (index scans
        --     bounded by a batch size). The relay's claim (LIMIT n FOR UPDATE
        --     SKIP LOCKED) never waits; it keeps its transaction open while
        --     the broker acknowledges, but that is time between statements,
        --     which statement_timeout does not count. 5s is far beyond all
        --     of them and well inside the HTTP write timeout (30s).
        --   lock_timeout 2s: the only waits are row locks held for one
        --     transaction: the payment-service's credit row of a customer
        --     (SELECT ... FOR UPDATE while one batch of payments of that
        --     customer is handled, milliseconds) and the outbox row a reply
        --     updates while a relay publishes it. A wait of 2s means
        --     something holds a lock it should not (or a migration's ACCESS
        --     EXCLUSIVE lock): the statement fails with lock_not_available,
        --     which the consumers treat as transient and retry with backoff.
        -- The migration role has neither: a migration may rewrite a large
        -- table, and it runs once, at start, with nothing waiting on it but
        -- the service itself.
        EXECUTE format('ALTER ROLE %I IN DATABASE %I SET statement_timeout = %L', svc.runtime, current_database(), '5s');
        EXECUTE format('ALTER ROLE %I IN DATABASE %I SET lock_timeout = %L', svc.runtime, current_database(), '2s');
    END LOOP;
END
$$;
