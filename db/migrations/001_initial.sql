-- People who have started the bot privately. Only what a person explicitly set, never message text.
CREATE TABLE people (
    user_id          INTEGER PRIMARY KEY,
    country          TEXT,                 -- ISO code they chose with /country
    timezone         TEXT,                 -- IANA name they chose
    checkin_time     TEXT,                 -- 'HH:MM' local; NULL = no daily check-in
    checkin_next_utc INTEGER,              -- unix seconds of the next due check-in
    checkin_last_day TEXT,                 -- local day (YYYY-MM-DD) of the last check-in sent
    prompt_index     INTEGER,              -- which prompt line went last, so it is not repeated next day
    sober_since      TEXT,                 -- YYYY-MM-DD
    active           INTEGER NOT NULL DEFAULT 1,  -- 0 when Telegram says the chat is gone or blocked
    inactive_reason  TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX people_due ON people (checkin_next_utc) WHERE checkin_next_utc IS NOT NULL AND active = 1;

-- One answer button press per local day, for the person's own streak. No free text.
CREATE TABLE checkin_answers (
    user_id   INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    local_day TEXT NOT NULL,
    answer    TEXT NOT NULL CHECK (answer IN ('good', 'okay', 'struggling', 'used')),
    PRIMARY KEY (user_id, local_day)
);

-- Daily counts with no user id and no text: crisis events by category and chat type, answers by topic,
-- check-ins sent.
CREATE TABLE counters (
    day   TEXT NOT NULL,
    kind  TEXT NOT NULL,
    key   TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind, key)
);
