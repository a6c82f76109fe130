-- What each account used per calendar month (UTC), so that plans' monthly limits survive a restart of the edge and
-- several edges sharing a database count together. Each edge adds what it metered since its last write. Same rules
-- as V1: types and syntax SQLite and PostgreSQL both accept.
CREATE TABLE usage (
    account   VARCHAR(64) NOT NULL,
    period    CHAR(7)     NOT NULL,
    requests  BIGINT      NOT NULL,
    bytes_in  BIGINT      NOT NULL,
    bytes_out BIGINT      NOT NULL,
    PRIMARY KEY (account, period)
);
