-- Names an account reserved: no other account's agent may bind them. Same rules as V1: types and syntax SQLite
-- and PostgreSQL both accept, times as epoch milliseconds. A name is relative to the edge's domain ('api' stands
-- for api.DOMAIN, 'v2.api' for v2.api.DOMAIN), so the reservation outlives a change of the edge's domain.
CREATE TABLE reserved_names (
    name       VARCHAR(253) NOT NULL PRIMARY KEY,
    account    VARCHAR(64)  NOT NULL,
    created_at BIGINT       NOT NULL
);

CREATE INDEX reserved_names_account ON reserved_names (account);
