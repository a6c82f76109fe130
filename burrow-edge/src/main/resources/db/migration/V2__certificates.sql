-- Automatic (ACME) certificates. Same rules as V1: types and syntax SQLite and PostgreSQL both accept, times as
-- epoch milliseconds. Keys are PEM text; the database is private to the edge's data directory.

-- One account per CA directory, so that switching CAs (a test CA, then a real one) never mixes keys.
CREATE TABLE acme_accounts (
    directory_url VARCHAR(2048) NOT NULL PRIMARY KEY,
    account_url   VARCHAR(2048) NOT NULL,
    key_pem       TEXT          NOT NULL,
    created_at    BIGINT        NOT NULL
);

-- The current certificate of each hostname; a renewal replaces the row.
CREATE TABLE certificates (
    hostname   VARCHAR(253) NOT NULL PRIMARY KEY,
    chain_pem  TEXT         NOT NULL,
    key_pem    TEXT         NOT NULL,
    not_before BIGINT       NOT NULL,
    not_after  BIGINT       NOT NULL,
    issued_at  BIGINT       NOT NULL
);
