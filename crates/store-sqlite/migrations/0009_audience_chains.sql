-- Per-audience hash chains (docs/EVIDENCE.md, "Chains"): an event's visibility names its chain;
-- each chain numbers its events from 1 (seq) and links them by prev_hash from genesis, hashed
-- under the prefix accord-event-v2 (format 2). The case's overall order moves to position, which
-- is not hashed (the transparency log's leaf order authenticates it). Events stored before this
-- migration keep format 1: one chain per case, whose seq is their position.

ALTER TABLE events RENAME COLUMN seq TO position;
ALTER TABLE events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
UPDATE events SET seq = position;
CREATE UNIQUE INDEX events_chain_seq ON events (case_id, visibility, seq) WHERE format = 2;

-- The transparency log's leaves name their event by its position in the case.
ALTER TABLE log_entries RENAME COLUMN seq TO position;

-- One row per chain of a case, kept in the append's transaction, so that each reader's version,
-- head and time come from the chains it may read without loading the events: how many events
-- the chain holds (all formats), the format-2 chain's length and head (what the next event
-- links to), and the chain's last event (its hash, position and time).
CREATE TABLE case_chains (
    case_id       TEXT    NOT NULL,
    chain         TEXT    NOT NULL,
    length        INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    head_hash     TEXT    NOT NULL,
    last_hash     TEXT    NOT NULL,
    last_position INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (case_id, chain)
);

INSERT INTO case_chains (case_id, chain, length, seq, head_hash, last_hash, last_position,
                         updated_at_ms)
SELECT e.case_id, e.visibility, g.n, 0,
       '0000000000000000000000000000000000000000000000000000000000000000',
       e.hash, e.position, e.recorded_at_ms
FROM events e
JOIN (SELECT case_id, visibility, COUNT(*) AS n, MAX(position) AS p
      FROM events GROUP BY case_id, visibility) g
  ON g.case_id = e.case_id AND g.visibility = e.visibility AND g.p = e.position;
