-- Empty on purpose: the up step inserts nothing. Rows the development seed
-- inserted are that seed's, and go with the tables in 000001's down step.
SELECT 1;
