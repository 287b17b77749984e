-- Empty on purpose. This step used to insert the development reference data,
-- which every environment then got; that data now lives in
-- seed/development.sql, applied only by the development targets
-- (postgres.seed). golang-migrate records versions, not checksums: a
-- database that ran the old step keeps its version and its rows (nothing
-- deletes them), and a new one passes this step with nothing inserted. The
-- file stays so that the versions after it keep their numbers.
SELECT 1;
