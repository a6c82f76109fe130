-- Kept to types and syntax that SQLite and PostgreSQL both accept, so one migration set serves both.
-- Times are epoch milliseconds: BIGINT round-trips identically everywhere, while TIMESTAMP handling
-- differs between the two JDBC drivers.
CREATE TABLE tokens (
    id           VARCHAR(12)  NOT NULL PRIMARY KEY,
    name         VARCHAR(100) NOT NULL,
    secret_hash  CHAR(64)     NOT NULL,
    created_at   BIGINT       NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

-- Partial so that a revoked token's name can be given to its replacement.
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;
