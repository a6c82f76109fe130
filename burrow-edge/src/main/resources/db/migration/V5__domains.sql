-- Domains outside the edge's own that an account may bind names under, once it proved it owns them. Same rules as
-- V1: types and syntax SQLite and PostgreSQL both accept, times as epoch milliseconds. The key is the domain as
-- written ('app.customer.com', or '*.customer.com' for the names one label below it): one domain, one account.
-- The challenge is the random value the account's TXT record must hold; verified_at stays NULL until it does.
CREATE TABLE domains (
    hostname    VARCHAR(253) NOT NULL PRIMARY KEY,
    account     VARCHAR(64)  NOT NULL,
    challenge   VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    verified_at BIGINT
);

CREATE INDEX domains_account ON domains (account);
