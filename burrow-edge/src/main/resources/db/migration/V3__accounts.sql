-- Accounts own tokens (and, later, names, domains and usage). Same rules as V1: types and syntax SQLite and
-- PostgreSQL both accept, times as epoch milliseconds. An account's name is its key: it is what operators type,
-- it never changes, and deleting an account deletes what refers to it.
CREATE TABLE accounts (
    name        VARCHAR(64)  NOT NULL PRIMARY KEY,
    plan        VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    disabled_at BIGINT
);

-- Tokens issued before accounts existed belong to 'default', which is made only if there are such tokens.
INSERT INTO accounts (name, plan, created_at, disabled_at)
    SELECT 'default', 'free', MIN(created_at), NULL FROM tokens HAVING COUNT(*) > 0;

ALTER TABLE tokens ADD COLUMN account VARCHAR(64);
UPDATE tokens SET account = 'default';
CREATE INDEX tokens_account ON tokens (account);

-- A token's scope: what it may bind (TokenScope says how each is read). NULL means no restriction. Types are wire
-- names and names are names or patterns, each list separated by commas.
ALTER TABLE tokens ADD COLUMN scope_types VARCHAR(64);
ALTER TABLE tokens ADD COLUMN scope_names VARCHAR(2048);
ALTER TABLE tokens ADD COLUMN expires_at BIGINT;
