-- Groups and channels the bot was added to, with the settings their admins chose.
CREATE TABLE groups (
    chat_id          INTEGER PRIMARY KEY,
    chat_type        TEXT NOT NULL,        -- group, supergroup or channel
    country          TEXT,
    welcome          INTEGER NOT NULL DEFAULT 0,
    poll             INTEGER NOT NULL DEFAULT 0,   -- add an anonymous poll to the daily post
    timezone         TEXT,
    checkin_time     TEXT,
    checkin_next_utc INTEGER,
    checkin_last_day TEXT,
    prompt_index     INTEGER,
    active           INTEGER NOT NULL DEFAULT 1,   -- 0 once the bot is removed
    created_at       TEXT NOT NULL
);
CREATE INDEX groups_due ON groups (checkin_next_utc) WHERE checkin_next_utc IS NOT NULL AND active = 1;

-- Members an admin named to be alerted privately when someone in the group is in danger.
CREATE TABLE responders (
    chat_id  INTEGER NOT NULL REFERENCES groups (chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id  INTEGER NOT NULL,
    name     TEXT NOT NULL,     -- display name, so /responders list can show who
    PRIMARY KEY (chat_id, user_id)
);

-- Crisis alerts sent to responders: where (a link), which category, who acknowledged. Never the text.
CREATE TABLE alerts (
    alert_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id         INTEGER NOT NULL,
    message_id      INTEGER NOT NULL,
    author_id       INTEGER,
    category        TEXT NOT NULL,
    created_utc     INTEGER NOT NULL,
    acknowledged_by INTEGER,
    escalated       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alerts_open ON alerts (created_utc) WHERE acknowledged_by IS NULL AND escalated = 0;

-- Which responder got which alert message, so an acknowledgement can be shown to the others.
CREATE TABLE alert_messages (
    alert_id   INTEGER NOT NULL REFERENCES alerts (alert_id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (alert_id, user_id)
);
